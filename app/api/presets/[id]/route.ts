import { NextResponse, type NextRequest } from 'next/server'
import { deletePreset, DuplicatePresetNameError, renamePreset } from '@/lib/db/queries'
import { checkRenamePreset, readPresetBody } from '@/lib/presets/preset-input'
import { presetViewOf, type PresetProblem } from '@/lib/presets/preset-view'

export const dynamic = 'force-dynamic'

interface Context {
  params: Promise<{ id: string }>
}

const problem = (status: number, body: PresetProblem) => NextResponse.json(body, { status })
const notFound = () => problem(404, { detail: 'No such preset' })

/** PATCH `{ name }`: the renamed preset; 409 for a name the endpoint has. */
export async function PATCH(request: NextRequest, { params }: Context) {
  const { id } = await params
  const body = await readPresetBody(request)
  if (!body.ok) return problem(body.status, body.problem)
  const input = checkRenamePreset(body.value)
  if (!input.ok) return problem(input.status, input.problem)
  try {
    const preset = await renamePreset(id, input.value.name)
    return preset ? NextResponse.json(presetViewOf(preset)) : notFound()
  } catch (error) {
    if (error instanceof DuplicatePresetNameError) return problem(409, { detail: error.message, field: 'name' })
    throw error
  }
}

/** DELETE: 204, or 404 when there is no such preset. */
export async function DELETE(_request: NextRequest, { params }: Context) {
  const { id } = await params
  return (await deletePreset(id)) ? new Response(null, { status: 204 }) : notFound()
}
