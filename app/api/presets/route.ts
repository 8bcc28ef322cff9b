import { NextResponse, type NextRequest } from 'next/server'
import { createPreset, DuplicatePresetNameError, listPresets } from '@/lib/db/queries'
import { checkCreatePreset, checkEndpointParam, readPresetBody } from '@/lib/presets/preset-input'
import { presetViewOf, type PresetProblem } from '@/lib/presets/preset-view'

export const dynamic = 'force-dynamic'

const problem = (status: number, body: PresetProblem) => NextResponse.json(body, { status })

/** GET /api/presets?endpoint=<id>: that endpoint's presets, by name. */
export async function GET(request: NextRequest) {
  const endpoint = checkEndpointParam(request.nextUrl.searchParams.get('endpoint'))
  if (!endpoint.ok) return problem(endpoint.status, endpoint.problem)
  const presets = await listPresets(endpoint.value)
  return NextResponse.json({ presets: presets.map(presetViewOf) }, { headers: { 'cache-control': 'no-store' } })
}

/** POST /api/presets `{ endpointId, name, values }`: 201 and the preset; 409 for a name the endpoint has. */
export async function POST(request: NextRequest) {
  const body = await readPresetBody(request)
  if (!body.ok) return problem(body.status, body.problem)
  const input = checkCreatePreset(body.value)
  if (!input.ok) return problem(input.status, input.problem)
  try {
    return NextResponse.json(presetViewOf(await createPreset(input.value)), { status: 201 })
  } catch (error) {
    if (error instanceof DuplicatePresetNameError) return problem(409, { detail: error.message, field: 'name' })
    throw error
  }
}
