import { NextResponse } from 'next/server'
import { deletePreset, DuplicatePresetNameError, renamePreset } from '@/lib/db/queries'
import { ApiError, refusalOf } from '@/lib/http/api-error'
import { route } from '@/lib/http/route'
import { checkRenamePreset } from '@/lib/presets/preset-input'
import { presetViewOf, PRESET_BODY_MAX_BYTES } from '@/lib/presets/preset-view'

export const dynamic = 'force-dynamic'

const noSuchPreset = () => new ApiError(404, 'No such preset')

/** PATCH `{ name }`: the renamed preset; 409 for a name the endpoint has. */
export const PATCH = route<{ id: string }, { json: number }>({ body: { json: PRESET_BODY_MAX_BYTES } }, async (_request, { params: { id }, body }) => {
  const input = checkRenamePreset(body)
  if (!input.ok) throw refusalOf(input)
  try {
    const preset = await renamePreset(id, input.value.name)
    if (!preset) throw noSuchPreset()
    return NextResponse.json(presetViewOf(preset))
  } catch (error) {
    if (error instanceof DuplicatePresetNameError) throw new ApiError(409, error.message, { field: 'name' })
    throw error
  }
})

/** DELETE: 204, or 404 when there is no such preset. */
export const DELETE = route<{ id: string }>({}, async (_request, { params: { id } }) => {
  if (!(await deletePreset(id))) throw noSuchPreset()
  return new Response(null, { status: 204 })
})
