import type { JsonSchema } from './json-schema'
import type { FormDescription } from './form'
import { describeForm } from './form'
import type { Payload } from './validator'
import { compileValidator } from './validator'
import type { z } from 'zod'

export interface CompiledSchema extends FormDescription {
  validator: z.ZodType<Payload>
}

/**
 * Everything the form and the server need from one input schema, compiled once. (The browser
 * renders from `describeForm` and loads the validator only when it first validates.)
 */
export function compileSchema(schema: JsonSchema): CompiledSchema {
  return { ...describeForm(schema), validator: compileValidator(schema) }
}

export type { FieldDescriptor, FieldKind, MediaKind, NumberField, SizeField, ListField } from './fields'
export { describeFields, rangeText } from './fields'
export type { FormDescription } from './form'
export { describeForm } from './form'
export type { JsonSchema, JsonValue } from './json-schema'
export type { FormValues } from './payload'
export { initialValues, payloadFrom, deepEqual } from './payload'
export type { Payload } from './validator'
export { compileValidator } from './validator'
