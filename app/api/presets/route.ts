import { NextResponse } from 'next/server'
import { createPreset, DuplicatePresetNameError, listPresets } from '@/lib/db/queries'
import { ApiError, refusalOf } from '@/lib/http/api-error'
import { route } from '@/lib/http/route'
import { checkCreatePreset, checkEndpointParam } from '@/lib/presets/preset-input'
import { presetViewOf, PRESET_BODY_MAX_BYTES } from '@/lib/presets/preset-view'

export const dynamic = 'force-dynamic'

/** GET /api/presets?endpoint=<id>: that endpoint's presets, by name. */
export const GET = route({}, async (request) => {
  const endpoint = checkEndpointParam(request.nextUrl.searchParams.get('endpoint'))
  if (!endpoint.ok) throw refusalOf(endpoint)
  const presets = await listPresets(endpoint.value)
  return NextResponse.json({ presets: presets.map(presetViewOf) }, { headers: { 'cache-control': 'no-store' } })
})

/** POST /api/presets `{ endpointId, name, values }`: 201 and the preset; 409 for a name the endpoint has. */
export const POST = route({ body: { json: PRESET_BODY_MAX_BYTES } }, async (_request, { body }) => {
  const input = checkCreatePreset(body)
  if (!input.ok) throw refusalOf(input)
  try {
    return NextResponse.json(presetViewOf(await createPreset(input.value)), { status: 201 })
  } catch (error) {
    if (error instanceof DuplicatePresetNameError) throw new ApiError(409, error.message, { field: 'name' })
    throw error
  }
})
