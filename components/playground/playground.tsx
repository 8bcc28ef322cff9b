'use client'
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { FormProvider, useWatch, type FieldErrors } from 'react-hook-form'
import type { FormValues, JsonSchema, Payload } from '@/lib/schema'
import type { FormDescription } from '@/lib/schema/form'
import type { PricingRule } from '@/lib/pricing/rules'
import type { InputMediaFacts, MediaFacts, OutputRule } from '@/lib/generation/output-shape'
import type { FormState } from '@/components/schema-form/use-schema-form'
import type { InputMedia } from '@/components/takes/take-result'
import { payloadFrom } from '@/lib/schema/payload'
import { billedTake, estimateTake, pricedEndpoint } from '@/lib/pricing/estimate'
import { mediaRoleOf } from '@/lib/generation/output-shape'
import { Button } from '@/components/ui/button'
import { LoadExampleButton } from '@/components/examples/load-example-button'
import { PresetsButton } from '@/components/presets/presets-button'
import { SweepButton } from '@/components/sweep-panel/sweep-button'
import { BatchButton } from '@/components/batch-panel/batch-button'
import { SchemaFields } from '@/components/schema-form/schema-fields'
import { useSchemaForm } from '@/components/schema-form/use-schema-form'
import { MediaFactsContext } from '@/components/schema-form/media-facts'
import { controlId } from '@/components/schema-form/ids'
import { RunBar } from './run-bar'
import { RESULT_STAGE_ID, ResultStage } from './result-stage'
import { CodeSection } from './code-section'
import { RequestPayload } from './request-payload'
import { useSeedControls } from './seed-controls'
import { useTake } from './use-take'
import { useTakeFromUrl } from './use-take-from-url'
import { progressOfView, type TakeProgress } from '@/lib/takes/take-progress'
import type { ExactInteger } from '@/lib/json/exact-integer'

// A take's logs show once a take starts: not in the playground's first load.
const TakeLogs = lazy(() => import('@/components/takes/take-logs').then((module) => ({ default: module.TakeLogs })))

/** What the playground needs of an endpoint: all of it data. */
export interface PlaygroundEndpoint {
  id: string
  input: JsonSchema
  /** The input schema's fields and defaults (`describeForm`, on the server). */
  form: FormDescription
  example: Payload
  pricing: PricingRule
  outputRule: OutputRule
}

export function Playground({ endpoint }: { endpoint: PlaygroundEndpoint }) {
  const { form, compiled } = useSchemaForm(endpoint.input, endpoint.form)
  const formElement = useRef<HTMLFormElement>(null)
  const [additionalOpen, setAdditionalOpen] = useState(false)
  const [factsByField, setFactsByField] = useState<Record<string, MediaFacts>>({})
  // The take this form continues (?continue=): kept while its field still holds the continued value.
  const [continued, setContinued] = useState<{ parentTakeId: string; field: string; url: string } | null>(null)
  const { take, active, run, resume, cancel, cancelError } = useTake(endpoint.id, showFieldErrors)
  const values = useWatch({ control: form.control }) as FormValues
  const payload = payloadFrom(values, compiled.fields)

  const reportFacts = useCallback((path: string, facts: MediaFacts | null) => {
    setFactsByField((current) => {
      const { [path]: _previous, ...rest } = current
      return facts ? { ...rest, [path]: facts } : rest
    })
  }, [])

  const media = useMemo(() => {
    const byRole: InputMediaFacts = {}
    for (const [field, facts] of Object.entries(factsByField)) {
      const role = mediaRoleOf(field)
      if (role) byRole[role] = facts
    }
    return byRole
  }, [factsByField])

  const priced = pricedEndpoint(endpoint, compiled)
  const estimate = estimateTake(priced, payload, media)
  // The output's breakdown, beside the amount the studio recorded (fal's billable units when it stated them).
  const fromOutput = take?.status === 'COMPLETED' && take.output ? billedTake(priced, take.output, take.input) : null
  const recorded = take?.cost?.billedUsd ?? null
  // A take that ended without an output shows what it was billed too (fal bills nothing for a server failure).
  const billed = fromOutput ? { ...fromOutput, amount: recorded ?? fromOutput.amount } : recorded !== null ? { amount: recorded, breakdown: '' } : null

  const focusFirst = useCallback(
    (names: string[]) => {
      const first = compiled.fields.find((field) => names.includes(field.name))
      if (!first) return
      if (first.group === 'additional') setAdditionalOpen(true)
      // Once the control is drawn: the section opens first, and its widget may still be on its way.
      const deadline = performance.now() + 3000
      const focusWhenDrawn = () => {
        if (document.getElementById(controlId(first.name))) form.setFocus(first.name)
        else if (performance.now() < deadline) requestAnimationFrame(focusWhenDrawn)
      }
      requestAnimationFrame(focusWhenDrawn)
    },
    [compiled.fields, form],
  )

  function onInvalid(errors: FieldErrors<FormState>) {
    focusFirst(compiled.fields.map((field) => field.name).filter((name) => errors[name]))
  }

  /** Validates the whole form as Run does, for a sweep: its payload, or null (the first invalid field focused). */
  async function validate() {
    if (await form.trigger()) return payloadFrom(form.getValues() as FormValues, compiled.fields)
    focusFirst(compiled.fields.map((field) => field.name).filter((name) => form.getFieldState(name).invalid))
    return null
  }

  function setFieldError(field: string, message: string) {
    form.setError(field, { type: 'server', message })
    focusFirst([field])
  }

  /** A take refused on its fields (by the studio or by fal) puts each message on its field. */
  function showFieldErrors(ended: TakeProgress) {
    if (ended.error?.kind !== 'validation') return
    const known = ended.error.fields.filter(({ field }) => compiled.fields.some((descriptor) => descriptor.name === field))
    for (const { field, message } of known) form.setError(field, { type: 'server', message })
    focusFirst(known.map(({ field }) => field))
  }

  const start = (input: Payload) => {
    // On a narrow screen the stage is below the form: bring it into view, where the take will show.
    if (window.matchMedia('(max-width: 1023px)').matches) document.getElementById(RESULT_STAGE_ID)?.scrollIntoView({ behavior: 'smooth', block: 'start' })
    const parentTakeId = continued && input[continued.field] === continued.url ? continued.parentTakeId : undefined
    return run(input, { parentTakeId })
  }

  const loadInput = useCallback((input: Payload) => form.reset({ ...compiled.defaults, ...input }), [form, compiled.defaults])
  const urlNotice = useTakeFromUrl(endpoint.id, {
    onTake: (view) => {
      loadInput(view.input)
      void resume(progressOfView(view))
    },
    onRemix: (view) => loadInput(view.input),
    onContinue: ({ parentTakeId, field, url }) => {
      form.setValue(field, url, { shouldDirty: true, shouldValidate: true })
      setContinued({ parentTakeId, field, url })
    },
  })

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey) || event.repeat) return
      event.preventDefault()
      formElement.current?.requestSubmit()
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [])

  const hasSeed = compiled.fields.some((field) => field.name === 'seed')
  const seedControls = useSeedControls(form, hasSeed)
  const useSeed = hasSeed
    ? (seed: ExactInteger) => {
        seedControls.choose(seed)
        focusFirst(['seed'])
      }
    : undefined
  const hasPrompt = compiled.fields.some((field) => field.name === 'prompt')
  const usePrompt = hasPrompt
    ? (prompt: string) => {
        form.setValue('prompt', prompt, { shouldDirty: true, shouldValidate: true })
        focusFirst(['prompt'])
      }
    : undefined

  const takeInput = take?.input
  const resultInputs = useMemo<InputMedia[]>(
    () =>
      compiled.fields.flatMap((field) => {
        const value = takeInput?.[field.name]
        if (field.kind !== 'media' || (field.media !== 'video' && field.media !== 'audio')) return []
        return typeof value === 'string' && value !== '' ? [{ label: `Input: ${field.label}`, kind: field.media, url: value }] : []
      }),
    [compiled.fields, takeInput],
  )

  return (
    <FormProvider {...form}>
      <MediaFactsContext.Provider value={reportFacts}>
        <form
          ref={formElement}
          noValidate
          onSubmit={form.handleSubmit((input) => (active ? undefined : start(seedControls.seeded(input))), onInvalid)}
          className="grid items-start gap-6 lg:grid-cols-[minmax(320px,440px)_minmax(0,1fr)] lg:gap-8"
        >
          <section aria-label="Input" className="min-w-0">
            {urlNotice && (
              <p role="alert" className="mb-4 rounded border border-amber-500/40 bg-amber-500/10 p-3 text-sm">
                {urlNotice}
              </p>
            )}
            <div className="mb-4 flex flex-wrap gap-2">
              <LoadExampleButton example={endpoint.example} fields={compiled.fields} onLoad={loadInput} />
              <Button variant="ghost" onClick={() => form.reset(compiled.defaults)}>
                Reset to defaults
              </Button>
              <PresetsButton endpointId={endpoint.id} currentValues={() => payload} onLoad={loadInput} />
              <SweepButton
                endpointId={endpoint.id}
                fields={compiled.fields}
                payload={payload}
                priced={priced}
                media={media}
                validate={validate}
                onFieldError={setFieldError}
              />
              <BatchButton endpointId={endpoint.id} fields={compiled.fields} payload={payload} priced={priced} media={media} validate={validate} onFieldError={setFieldError} />
            </div>
            <SchemaFields
              fields={compiled.fields}
              additionalOpen={additionalOpen}
              onAdditionalOpenChange={setAdditionalOpen}
              extras={seedControls.extras}
            />
            <RunBar estimate={estimate} billed={billed} cost={take?.cost} active={active} />
          </section>
          <div className="min-w-0 space-y-4">
            <ResultStage
              take={take}
              cancelError={cancelError}
              onCancel={() => void cancel()}
              onRetry={() => take && void start(take.input)}
              onUseSeed={useSeed}
              onUsePrompt={usePrompt}
              resultInputs={resultInputs}
            />
            {take && take.status !== 'SUBMITTING' && (
              <Suspense fallback={null}>
                <TakeLogs logs={take.logs} />
              </Suspense>
            )}
            <CodeSection endpointId={endpoint.id} payload={payload} />
            <RequestPayload payload={payload} />
          </div>
        </form>
      </MediaFactsContext.Provider>
    </FormProvider>
  )
}
