import type { JsonValue } from '@/lib/schema'
import { abbreviateDataUris } from '@/components/schema-form/format'

/** A parameter's value as text: "—" when not set and not defaulted, data: URIs shortened, JSON otherwise. */
export function compareValueText(value: JsonValue | undefined): string {
  if (value === undefined) return '—'
  if (typeof value === 'string') return String(abbreviateDataUris(value))
  return JSON.stringify(abbreviateDataUris(value))
}
