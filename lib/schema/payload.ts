import type { FieldDescriptor } from './fields'
import type { JsonValue } from './json-schema'
import type { Payload } from './validator'

/** What the form holds: a value per field, `undefined` where nothing is set. */
export type FormValues = Record<string, JsonValue | undefined>

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const keysA = Object.keys(a)
  const keysB = Object.keys(b)
  if (keysA.length !== keysB.length) return false
  return keysA.every((key) => deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
}

function emptyValue(field: FieldDescriptor): JsonValue | undefined {
  if (!field.required) return undefined
  switch (field.kind) {
    case 'text':
    case 'textarea':
    case 'media':
      return ''
    case 'list':
      return []
    default:
      return undefined
  }
}

/** The values of an untouched form: every default, and empty values for required fields without one. */
export function initialValues(fields: FieldDescriptor[]): FormValues {
  return Object.fromEntries(fields.map((field) => [field.name, field.defaultValue ?? emptyValue(field)]))
}

/**
 * The JSON payload a form yields: the required fields, plus every field whose value is set and
 * differs from its default. An empty optional text counts as not set.
 */
export function payloadFrom(values: FormValues, fields: FieldDescriptor[]): Payload {
  const payload: Payload = {}
  for (const field of fields) {
    const value = values[field.name]
    if (field.required) {
      if (value !== undefined) payload[field.name] = value
      continue
    }
    if (value === undefined || value === '' || (typeof value === 'number' && Number.isNaN(value))) continue
    if (field.defaultValue !== undefined && deepEqual(value, field.defaultValue)) continue
    payload[field.name] = value
  }
  return payload
}
