import type { FieldDescriptor } from './fields'
import { describeFields } from './fields'
import type { JsonSchema } from './json-schema'
import type { FormValues } from './payload'
import { initialValues } from './payload'
import type { Payload } from './validator'
import { compileValidator } from './validator'
import type { z } from 'zod'

export interface CompiledSchema {
  validator: z.ZodType<Payload>
  fields: FieldDescriptor[]
  defaults: FormValues
}

/** Everything the form and the server need from one input schema, compiled once. */
export function compileSchema(schema: JsonSchema): CompiledSchema {
  const fields = describeFields(schema)
  return { validator: compileValidator(schema), fields, defaults: initialValues(fields) }
}

export type { FieldDescriptor, FieldKind, MediaKind, NumberField, SizeField, ListField } from './fields'
export { describeFields, rangeText } from './fields'
export type { JsonSchema, JsonValue } from './json-schema'
export type { FormValues } from './payload'
export { initialValues, payloadFrom, deepEqual } from './payload'
export type { Payload } from './validator'
export { compileValidator } from './validator'
