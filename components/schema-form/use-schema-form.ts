'use client'
import { useMemo } from 'react'
import { useForm, type Resolver } from 'react-hook-form'
import type { JsonSchema } from '@/lib/schema/json-schema'
import type { Payload } from '@/lib/schema/validator'
import { describeForm } from '@/lib/schema/form'

/**
 * react-hook-form sees the values as a flat record: the recursive JSON type would make its
 * path types explode. The widgets only ever write JSON values into it.
 */
export type FormState = Record<string, unknown>

type PayloadResolver = Resolver<FormState, unknown, Payload>

/**
 * A react-hook-form instance for an input schema. The validator (zod) is loaded the first time the
 * form validates, so a playground renders without it.
 */
export function useSchemaForm(schema: JsonSchema) {
  const compiled = useMemo(() => describeForm(schema), [schema])
  const resolver = useMemo<PayloadResolver>(() => {
    let loaded: Promise<PayloadResolver> | undefined
    return async (values, context, options) => {
      loaded ??= import('./payload-resolver')
        .then(({ payloadResolver }) => payloadResolver(schema, compiled.fields))
        .catch((error: unknown) => {
          loaded = undefined
          throw error
        })
      return (await loaded)(values, context, options)
    }
  }, [schema, compiled])
  const form = useForm<FormState, unknown, Payload>({
    defaultValues: compiled.defaults,
    resolver,
    mode: 'onTouched',
  })
  return { form, compiled }
}
