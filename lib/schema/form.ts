import type { FieldDescriptor } from './fields'
import { describeFields } from './fields'
import type { JsonSchema } from './json-schema'
import type { FormValues } from './payload'
import { initialValues } from './payload'

/** What the form needs to render an input schema: its fields and their defaults (no validator). */
export interface FormDescription {
  fields: FieldDescriptor[]
  defaults: FormValues
}

export function describeForm(schema: JsonSchema): FormDescription {
  const fields = describeFields(schema)
  return { fields, defaults: initialValues(fields) }
}
