'use client'
import { zodResolver } from '@hookform/resolvers/zod'
import { useMemo } from 'react'
import { useForm, type Resolver } from 'react-hook-form'
import type { FormValues, JsonSchema, Payload } from '@/lib/schema'
import { compileSchema, payloadFrom } from '@/lib/schema'

/**
 * react-hook-form sees the values as a flat record: the recursive JSON type would make its
 * path types explode. The widgets only ever write JSON values into it.
 */
export type FormState = Record<string, unknown>

/**
 * A react-hook-form instance for an input schema. The resolver validates the payload the form
 * yields (required fields plus changed ones) with the schema's zod validator, so the browser checks
 * exactly what the server will check.
 */
export function useSchemaForm(schema: JsonSchema) {
  const compiled = useMemo(() => compileSchema(schema), [schema])
  const resolver = useMemo<Resolver<FormState, unknown, Payload>>(() => {
    const validate = zodResolver(compiled.validator as never) as unknown as Resolver<FormState, unknown, Payload>
    return (values, context, options) => validate(payloadFrom(values as FormValues, compiled.fields), context, options)
  }, [compiled])
  const form = useForm<FormState, unknown, Payload>({
    defaultValues: compiled.defaults,
    resolver,
    mode: 'onTouched',
  })
  return { form, compiled }
}
