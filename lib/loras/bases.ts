import type { LoraBase } from '@/lib/db/schema'

// Browser-safe: only types come from the database schema.

export type { LoraBase }

/** What each base model is called on screen. */
export const BASE_LABELS: Readonly<Record<LoraBase, string>> = {
  'ltx-2-19b': 'LTX-2 19B',
  'ltx-2.3-22b': 'LTX-2.3 22B',
}

export type LoraKind = 'camera' | 'ic' | 'style'

/** The picker's and the library's groups, in the order they are shown. */
export const KIND_LABELS: Readonly<Record<LoraKind, string>> = {
  camera: 'Camera motion',
  ic: 'IC-LoRA (control from a reference)',
  style: 'Style and effects',
}

/** The warning a row shows when its LoRA was trained on another base than the endpoint runs; null when they match or either is unknown. */
export function baseMismatch(loraBase: LoraBase, endpointBase: LoraBase | null | undefined): string | null {
  if (!endpointBase || loraBase === endpointBase) return null
  return `Trained on ${BASE_LABELS[loraBase]}; this endpoint runs ${BASE_LABELS[endpointBase]}`
}
