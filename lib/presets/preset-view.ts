import type { Payload } from '@/lib/schema'

/** A preset as the API answers it (and the panel shows it). */
export interface PresetView {
  id: string
  endpointId: string
  name: string
  values: Payload
  createdAt: string
  updatedAt: string
}

/** An API refusal: `detail` for people; `field` names the input it is about, when there is one. */
export interface PresetProblem {
  detail: string
  field?: 'name' | 'values' | 'endpointId'
}

/** The longest preset name, in characters once trimmed (the table checks the same). */
export const PRESET_NAME_MAX = 80

/** The largest request body the preset API reads. */
export const PRESET_BODY_MAX_BYTES = 256 * 1024

/** The JSON of a stored preset. */
export function presetViewOf(preset: {
  id: string
  endpointId: string
  name: string
  values: Payload
  createdAt: Date
  updatedAt: Date
}): PresetView {
  return {
    id: preset.id,
    endpointId: preset.endpointId,
    name: preset.name,
    values: preset.values,
    createdAt: preset.createdAt.toISOString(),
    updatedAt: preset.updatedAt.toISOString(),
  }
}
