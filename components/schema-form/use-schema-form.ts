'use client'
import { useEffect, useMemo, useState } from 'react'
import { useForm, type Resolver } from 'react-hook-form'
import type { JsonSchema } from '@/lib/schema/json-schema'
import type { Payload } from '@/lib/schema/validator'
import type { FormDescription } from '@/lib/schema/form'
import { attachMediaChecks, MediaChecks } from './media-checks'

/**
 * react-hook-form sees the values as a flat record: the recursive JSON type would make its
 * path types explode. The widgets only ever write JSON values into it.
 */
export type FormState = Record<string, unknown>

type PayloadResolver = Resolver<FormState, unknown, Payload>

/**
 * A react-hook-form instance for an input schema, described (fields and defaults) by the server: the
 * schema compiler is not in the browser's first load. The validator (zod) is loaded the first time
 * the form validates, so a playground renders without it.
 *
 * When errors show: a field is checked when it loses focus and on Run; its error clears as soon as
 * its value changes (typing is never interrupted by a message about the half-typed value), and is
 * checked again at the next blur or Run. Errors from the server clear the same way.
 */
export function useSchemaForm(schema: JsonSchema, compiled: FormDescription) {
  const [mediaChecks] = useState(() => new MediaChecks())
  const resolver = useMemo<PayloadResolver>(() => {
    let loaded: Promise<PayloadResolver> | undefined
    return async (values, context, options) => {
      loaded ??= import('./payload-resolver')
        .then(({ payloadResolver }) => payloadResolver(schema, compiled.fields, mediaChecks))
        .catch((error: unknown) => {
          loaded = undefined
          throw error
        })
      return (await loaded)(values, context, options)
    }
  }, [schema, compiled, mediaChecks])
  const form = useForm<FormState, unknown, Payload>({
    defaultValues: compiled.defaults,
    resolver,
    mode: 'onBlur',
    reValidateMode: 'onBlur',
  })
  // The widgets find the checks through the form's control (they are rendered inside its FormProvider).
  attachMediaChecks(form.control, mediaChecks)

  const { subscribe, clearErrors, getFieldState } = form
  useEffect(
    () =>
      subscribe({
        formState: { values: true },
        callback: ({ name, type }) => {
          if (type !== 'change' || !name) return
          clearErrors(name)
          // An error on the whole field (a list's count, a size's shape) goes too when one of its parts changes.
          const top = name.split('.', 1)[0]!
          if (top !== name && getFieldState(top).error?.message) clearErrors(top)
        },
      }),
    [subscribe, clearErrors, getFieldState],
  )
  return { form, compiled }
}
