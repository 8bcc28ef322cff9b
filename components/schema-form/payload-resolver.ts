import { zodResolver } from '@hookform/resolvers/zod'
import type { FieldErrors, Resolver } from 'react-hook-form'
import type { FieldDescriptor } from '@/lib/schema/fields'
import type { JsonSchema } from '@/lib/schema/json-schema'
import type { FormValues } from '@/lib/schema/payload'
import { payloadFrom } from '@/lib/schema/payload'
import type { Payload } from '@/lib/schema/validator'
import { compileValidator } from '@/lib/schema/validator'
import type { MediaChecks } from './media-checks'
import type { FormState } from './use-schema-form'

/**
 * Validates the payload the form yields (required fields plus changed ones) with the schema's zod
 * validator, so the browser checks exactly what the server will check; then refuses media URLs the
 * browser read and found to be no media (which the server cannot know before fal tries them).
 */
export function payloadResolver(schema: JsonSchema, fields: FieldDescriptor[], media?: MediaChecks): Resolver<FormState, unknown, Payload> {
  const validate = zodResolver(compileValidator(schema) as never) as unknown as Resolver<FormState, unknown, Payload>
  return async (values, context, options) => {
    const [result, mediaProblems] = await Promise.all([
      validate(payloadFrom(values as FormValues, fields), context, options),
      // A blur validates one field: only its own URL is waited for.
      media ? media.blocking(options.names ? fields.filter((field) => options.names!.includes(field.name)) : fields, values) : Promise.resolve<Record<string, string>>({}),
    ])
    // A field the schema already refuses keeps the schema's message.
    const extra = Object.entries(mediaProblems).filter(([name]) => !(result.errors as FieldErrors<FormState>)[name])
    if (extra.length === 0) return result
    const errors: FieldErrors<FormState> = { ...(result.errors as FieldErrors<FormState>) }
    for (const [name, message] of extra) errors[name] = { type: 'media', message }
    return { values: {}, errors }
  }
}
