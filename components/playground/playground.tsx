'use client'
import { useState } from 'react'
import { FormProvider, useWatch, type FieldErrors } from 'react-hook-form'
import type { FormValues, JsonSchema, Payload } from '@/lib/schema'
import type { FormState } from '@/components/schema-form/use-schema-form'
import { payloadFrom } from '@/lib/schema'
import { Button } from '@/components/ui/button'
import { SchemaFields } from '@/components/schema-form/schema-fields'
import { useSchemaForm } from '@/components/schema-form/use-schema-form'
import { RunPanel } from './run-panel'

interface PlaygroundProps {
  input: JsonSchema
  example: Payload
}

export function Playground({ input, example }: PlaygroundProps) {
  const { form, compiled } = useSchemaForm(input)
  const [additionalOpen, setAdditionalOpen] = useState(false)
  const [accepted, setAccepted] = useState<Payload | null>(null)
  const values = useWatch({ control: form.control }) as FormValues
  const payload = payloadFrom(values, compiled.fields)

  function onInvalid(errors: FieldErrors<FormState>) {
    setAccepted(null)
    const names = compiled.fields.map((field) => field.name).filter((name) => errors[name])
    const first = compiled.fields.find((field) => field.name === names[0])
    if (first?.group === 'additional') setAdditionalOpen(true)
    // Focus after the section has opened, so the control is focusable.
    if (first) requestAnimationFrame(() => form.setFocus(first.name))
  }

  function load(values: FormValues) {
    setAccepted(null)
    form.reset(values)
  }

  return (
    <FormProvider {...form}>
      <form
        noValidate
        onSubmit={form.handleSubmit(setAccepted, onInvalid)}
        className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_minmax(320px,420px)]"
      >
        <section aria-label="Input" className="min-w-0">
          <div className="mb-4 flex flex-wrap gap-2">
            <Button onClick={() => load({ ...compiled.defaults, ...example })}>Load example</Button>
            <Button variant="ghost" onClick={() => load(compiled.defaults)}>
              Reset to defaults
            </Button>
          </div>
          <SchemaFields
            fields={compiled.fields}
            additionalOpen={additionalOpen}
            onAdditionalOpenChange={setAdditionalOpen}
          />
        </section>
        <RunPanel payload={payload} accepted={accepted} />
      </form>
    </FormProvider>
  )
}
