import { zodResolver } from '@hookform/resolvers/zod'
import type { Resolver } from 'react-hook-form'
import type { FieldDescriptor } from '@/lib/schema/fields'
import type { JsonSchema } from '@/lib/schema/json-schema'
import type { FormValues } from '@/lib/schema/payload'
import { payloadFrom } from '@/lib/schema/payload'
import type { Payload } from '@/lib/schema/validator'
import { compileValidator } from '@/lib/schema/validator'
import type { FormState } from './use-schema-form'

/**
 * Validates the payload the form yields (required fields plus changed ones) with the schema's zod
 * validator, so the browser checks exactly what the server will check.
 */
export function payloadResolver(schema: JsonSchema, fields: FieldDescriptor[]): Resolver<FormState, unknown, Payload> {
  const validate = zodResolver(compileValidator(schema) as never) as unknown as Resolver<FormState, unknown, Payload>
  return (values, context, options) => validate(payloadFrom(values as FormValues, fields), context, options)
}
