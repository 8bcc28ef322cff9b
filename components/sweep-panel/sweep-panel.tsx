'use client'
import { useId, useMemo, useRef, useState } from 'react'
import { useRouter } from 'next/navigation'
import { Button } from '@/components/ui/button'
import type { InputMediaFacts } from '@/lib/generation/output-shape'
import { estimateTake, type PricedEndpoint } from '@/lib/pricing/estimate'
import type { Payload } from '@/lib/schema'
import { createSweep } from '@/lib/sweeps/client'
import { StudioApiError } from '@/lib/http/studio-api'
import { sweepPath } from '@/lib/sweeps/sweep-view'
import { isExactInteger } from '@/lib/json/exact-integer'
import { axisValues, draftFor, type AxisDraft, type AxisValues } from '@/lib/sweeps/axis-input'
import {
  DEFAULT_SWEEP_CONCURRENCY,
  EXPANSION_FIELD,
  MAX_SWEEP_TAKES,
  SEED_FIELD,
  SWEEP_CONFIRM_USD,
  sweepableFields,
  sweepInputs,
  sweepSize,
  type SweepableField,
  type SweepAxis,
  type SweepRequest,
} from '@/lib/sweeps/sweep-plan'
import type { SweepProps } from './sweep-button'
import { AxisEditor } from './axis-editor'
import { SweepConfirm } from './sweep-confirm'
import { SeedNote, SweepSummary } from './sweep-summary'
import { VariationsShortcut } from './variations-shortcut'
import { ExpansionPin } from './expansion-pin'
import { keepEnter, messageOf } from './keep-enter'
import { ConcurrencyInput, concurrencyOf } from './concurrency-input'

/** The seed doesn't change the price, so every take is estimated without one. */
function totalEstimate(priced: PricedEndpoint, media: InputMediaFacts, input: Payload, axes: SweepAxis[], varySeed: boolean): number {
  return sweepInputs(input, axes, null, varySeed).reduce((total, cell) => total + estimateTake(priced, cell, media).amount, 0)
}

/** Each draft's values, and the axes to run when every axis has values and none is wrong. */
function planAxes(sweepable: SweepableField[], drafts: (AxisDraft | null)[]) {
  const parsed: (AxisValues | null)[] = drafts.map((draft) => {
    const field = sweepable.find((candidate) => candidate.name === draft?.field)
    return draft && field ? axisValues(field, draft) : null
  })
  const axes: SweepAxis[] = []
  let valid = parsed[0] !== null
  parsed.forEach((result, at) => {
    if (!result) return
    if (result.values.length === 0 || Object.keys(result.errors).length > 0) valid = false
    axes.push({ field: drafts[at]!.field, values: result.values })
  })
  return { parsed, axes: valid ? axes : null }
}

interface Pending {
  request: SweepRequest
  count: number
  totalUsd: number
}

/** One or two fields swept over lists or ranges of values: the takes, their cost, and Run sweep. */
export default function SweepPanel({ endpointId, fields, payload, priced, media, validate, onFieldError, hidden }: SweepProps & { hidden: boolean }) {
  const id = useId()
  const router = useRouter()
  const sweepable = useMemo(() => sweepableFields(fields), [fields])
  const seedField = sweepable.find((field) => field.name === SEED_FIELD)
  const [first, setFirst] = useState<AxisDraft | null>(() => {
    // A number (steps, a scale) is what a sweep most often varies.
    const initial = sweepable.find((field) => field.kind === 'number' && field.name !== SEED_FIELD) ?? sweepable[0]
    return initial ? draftFor(initial) : null
  })
  const [second, setSecond] = useState<AxisDraft | null>(null)
  const [concurrencyText, setConcurrencyText] = useState(String(DEFAULT_SWEEP_CONCURRENCY))
  const [varySeedChosen, setVarySeedChosen] = useState(false)
  const [pinExpansion, setPinExpansion] = useState(true)
  const [pending, setPending] = useState<Pending | null>(null)
  const [submitting, setSubmitting] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // Set before the first await, so a second click cannot start a second sweep.
  const busy = useRef(false)

  const { parsed, axes } = planAxes(sweepable, [first, second])
  const seedSwept = first?.field === SEED_FIELD || second?.field === SEED_FIELD
  const varySeed = Boolean(seedField) && !seedSwept && varySeedChosen
  const expansionSwept = first?.field === EXPANSION_FIELD || second?.field === EXPANSION_FIELD
  const pinExpansionOff = pinExpansion && !expansionSwept && fields.some((field) => field.name === EXPANSION_FIELD)
  const count = axes ? sweepSize(axes) : null
  const totalUsd = axes && !hidden ? totalEstimate(priced, media, payload, axes, varySeed) : 0
  const concurrency = concurrencyOf(concurrencyText)
  const formSeed = payload[SEED_FIELD]

  function chooseFirst(draft: AxisDraft | null) {
    setFirst(draft)
    if (draft?.field === second?.field) setSecond(null)
  }

  function release() {
    busy.current = false
    setSubmitting(false)
  }

  async function submit(request: SweepRequest) {
    busy.current = true
    setSubmitting(true)
    setError(null)
    try {
      const created = await createSweep(request)
      // The sweep runs on the server; the button stays disabled while the grid page opens.
      router.push(sweepPath(created.id))
    } catch (caught) {
      release()
      setPending(null)
      setError(messageOf(caught))
      if (caught instanceof StudioApiError && caught.field && fields.some((field) => field.name === caught.field)) {
        onFieldError(caught.field, caught.message)
      }
    }
  }

  async function run() {
    if (busy.current) return
    setError(null)
    if (!axes || count === null) {
      const wrong = parsed.some((result) => result && Object.keys(result.errors).length > 0)
      return setError(wrong ? "Fix the sweep's values first" : 'Enter values to sweep')
    }
    if (count > MAX_SWEEP_TAKES) return setError(`At most ${MAX_SWEEP_TAKES} takes in a sweep`)
    if (concurrency === null) return setError('Fix “At a time” first')
    busy.current = true
    setSubmitting(true)
    let input: Payload | null
    try {
      input = await validate()
    } catch (caught) {
      release()
      return setError(messageOf(caught))
    }
    if (!input) {
      release()
      return setError("Fix the form's errors first")
    }
    const request: SweepRequest = { endpointId, input, axes, concurrency, varySeed, pinExpansionOff }
    const total = totalEstimate(priced, media, input, axes, varySeed)
    if (total > SWEEP_CONFIRM_USD) {
      release()
      return setPending({ request, count, totalUsd: total })
    }
    await submit(request)
  }

  if (sweepable.length === 0) {
    return (
      <section id="sweep-panel" aria-label="Sweep" hidden={hidden} className="basis-full rounded-md border border-line bg-panel p-3 text-sm text-muted">
        This model has no number, choice or on/off field to sweep.
      </section>
    )
  }

  return (
    <section id="sweep-panel" aria-label="Sweep" hidden={hidden} onKeyDown={keepEnter} className="grid basis-full gap-3 rounded-md border border-line bg-panel p-3">
      <p className="text-xs text-muted">Run the form once per value (or per pair of values), and compare the takes in a grid.</p>
      {seedField && (
        <VariationsShortcut
          onSeeds={(seeds) => {
            setFirst({ ...draftFor(seedField), list: seeds.join(', ') })
            setSecond(null)
          }}
        />
      )}
      <AxisEditor number={1} fields={sweepable} draft={first} parsed={parsed[0] ?? null} onChange={chooseFirst} />
      {first && (
        <AxisEditor
          number={2}
          optional
          fields={sweepable.filter((field) => field.name !== first.field)}
          draft={second}
          parsed={parsed[1] ?? null}
          onChange={setSecond}
        />
      )}
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
        <ConcurrencyInput id={`${id}-concurrency`} text={concurrencyText} onChange={setConcurrencyText} />
        {seedField && !seedSwept && (
          <span className="flex items-center gap-1.5">
            <label className="flex items-center gap-1.5">
              <input
                type="checkbox"
                checked={varySeedChosen}
                aria-describedby={`${id}-vary-seed`}
                onChange={(event) => setVarySeedChosen(event.target.checked)}
              />
              Vary seed
            </label>
            <span id={`${id}-vary-seed`} className="text-xs text-muted">
              {varySeedChosen ? 'On: each take gets its own seed' : 'Off: every take uses the same seed'}
            </span>
          </span>
        )}
      </div>
      {!expansionSwept && <ExpansionPin fields={fields} pinned={pinExpansion} onChange={setPinExpansion} noun="sweep" />}
      {seedField && <SeedNote seed={isExactInteger(formSeed) ? formSeed : undefined} varySeed={varySeed} seedSwept={seedSwept} />}
      <SweepSummary count={count} totalUsd={totalUsd} />
      {pending ? (
        <SweepConfirm
          count={pending.count}
          totalUsd={pending.totalUsd}
          busy={submitting}
          onConfirm={() => {
            if (!busy.current) void submit(pending.request)
          }}
          onCancel={() => {
            setPending(null)
            requestAnimationFrame(() => document.getElementById(`${id}-run`)?.focus())
          }}
        />
      ) : (
        <Button id={`${id}-run`} variant="primary" disabled={submitting} onClick={() => void run()}>
          {submitting ? 'Starting sweep…' : 'Run sweep'}
        </Button>
      )}
      {error && (
        <p role="alert" data-testid="sweep-error" className="text-sm text-danger">
          {error}
        </p>
      )}
    </section>
  )
}
