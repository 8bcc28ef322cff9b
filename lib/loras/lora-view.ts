import type { LoraBase, LoraKind } from './bases'

/** A LoRA as the API answers it (and the picker and the library page show it). */
export interface LoraView {
  id: string
  name: string
  url: string
  base: LoraBase
  kind: LoraKind
  recommendedScale: number
  triggerWords: string | null
  note: string | null
  official: boolean
  createdAt: string
}

/** GET /api/loras: the library, and the base model of `?endpoint=` when asked (null: not known to run one). */
export interface LoraLibrary {
  loras: LoraView[]
  endpointBase?: LoraBase | null
}

/** The fields of a new LoRA, as the add form and POST /api/loras name them. */
export const LORA_FIELDS = ['name', 'url', 'base', 'kind', 'recommendedScale', 'triggerWords', 'note'] as const
export type LoraField = (typeof LORA_FIELDS)[number]

export function isLoraField(name: string | undefined): name is LoraField {
  return (LORA_FIELDS as readonly (string | undefined)[]).includes(name)
}

/** An API refusal: `detail` for people; `field` names the input it is about, when there is one. */
export interface LoraProblem {
  detail: string
  field?: LoraField
}

export const LORA_NAME_MAX = 80
export const LORA_TRIGGER_MAX = 200
export const LORA_NOTE_MAX = 1000
export const LORA_SCALE_MIN = 0
export const LORA_SCALE_MAX = 4
export const LORA_BODY_MAX_BYTES = 16 * 1024

export function loraViewOf(lora: Omit<LoraView, 'createdAt'> & { createdAt: Date }): LoraView {
  // Field by field: a column added to the table later is not answered until it is named here.
  const { id, name, url, base, kind, recommendedScale, triggerWords, note, official, createdAt } = lora
  return { id, name, url, base, kind, recommendedScale, triggerWords, note, official, createdAt: createdAt.toISOString() }
}
