import type { FieldDescriptor, ListField } from '@/lib/schema'

/** One row of a LoRA list as the form and fal hold it. */
export interface LoraRow {
  path: string
  scale?: number
}

/**
 * A list whose items are `{ path, scale }` (fal's LoRAInput): the shape, not the field's name, makes
 * it a LoRA list, so any endpoint's LoRA field gets the library picker and the path checks.
 */
export function isLoraList(field: FieldDescriptor): field is ListField {
  if (field.kind !== 'list') return false
  const path = field.itemFields.find((item) => item.name === 'path')
  const scale = field.itemFields.find((item) => item.name === 'scale')
  return field.itemFields.length === 2 && (path?.kind === 'text' || path?.kind === 'textarea') && scale?.kind === 'number'
}

/** The rows of a LoRA list value, skipping anything that is not `{ path: string }`. */
export function loraRowsOf(value: unknown): { index: number; path: string }[] {
  if (!Array.isArray(value)) return []
  return value.flatMap((item: unknown, index) =>
    typeof item === 'object' && item !== null && typeof (item as { path?: unknown }).path === 'string' ? [{ index, path: (item as { path: string }).path }] : [],
  )
}
