'use client'
import { useId, useMemo, useRef, useState } from 'react'
import { useRouter } from 'next/navigation'
import { Button } from '@/components/ui/button'
import { controlClass } from '@/components/ui/styles'
import type { SweepProps } from '@/components/sweep-panel/sweep-button'
import { ExpansionPin } from '@/components/sweep-panel/expansion-pin'
import { keepEnter, messageOf } from '@/components/sweep-panel/keep-enter'
import { SweepConfirm } from '@/components/sweep-panel/sweep-confirm'
import { ConcurrencyInput, concurrencyOf } from '@/components/sweep-panel/concurrency-input'
import { takesText } from '@/components/sweep-panel/sweep-summary'
import { batchFields, MAX_BATCH_CSV_BYTES, MAX_BATCH_ROWS, parseBatchCsv, parsePromptList, PROMPT_FIELD, rowProblemText, type BatchRequest, type ParsedRows } from '@/lib/batches/batch-rows'
import { estimateTake, formatUsd } from '@/lib/pricing/estimate'
import type { Payload } from '@/lib/schema'
import { createBatch } from '@/lib/sweeps/client'
import { DEFAULT_SWEEP_CONCURRENCY, EXPANSION_FIELD, SWEEP_CONFIRM_USD, sweepInputs } from '@/lib/sweeps/sweep-plan'

type Source = 'prompts' | 'csv'

interface CsvFile {
  name: string
  text: string
}

/**
 * A batch against the current form: a pasted list of prompts (one take per line) or a CSV whose
 * header names fields (one take per row). Every bad line is named with its field before anything
 * runs; the takes, their total estimate and Run batch, which the server then submits N at a time.
 */
export default function BatchPanel({ endpointId, fields, payload, priced, media, hidden }: SweepProps & { hidden: boolean }) {
  const id = useId()
  const router = useRouter()
  const settable = useMemo(() => batchFields(fields), [fields])
  const hasPrompt = settable.some((field) => field.name === PROMPT_FIELD)
  const [source, setSource] = useState<Source>(hasPrompt ? 'prompts' : 'csv')
  const [prompts, setPrompts] = useState('')
  const [csv, setCsv] = useState<CsvFile | null>(null)
  const [concurrencyText, setConcurrencyText] = useState(String(DEFAULT_SWEEP_CONCURRENCY))
  const [pinExpansion, setPinExpansion] = useState(true)
  const [pending, setPending] = useState<BatchRequest | null>(null)
  const [submitting, setSubmitting] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // Set before the first await, so a second click cannot start a second batch.
  const busy = useRef(false)

  const parsed: ParsedRows = useMemo(
    () => (source === 'prompts' ? parsePromptList(prompts) : csv ? parseBatchCsv(csv.text, fields) : { rows: [], problems: [] }),
    [source, prompts, csv, fields],
  )
  const labelOf = (name: string) => fields.find((field) => field.name === name)?.label ?? name
  const rowsSetExpansion = parsed.rows.some((row) => EXPANSION_FIELD in row.values)
  const pinExpansionOff = pinExpansion && !rowsSetExpansion && fields.some((field) => field.name === EXPANSION_FIELD)
  const base: Payload = pinExpansionOff ? { ...payload, [EXPANSION_FIELD]: false } : payload
  const runnable = parsed.problems.length === 0 && parsed.rows.length > 0
  const totalUsd =
    runnable && !hidden
      ? sweepInputs(base, { axes: [], rows: parsed.rows.map((row) => row.values) }, null, false).reduce((total, input) => total + estimateTake(priced, input, media).amount, 0)
      : 0
  const concurrency = concurrencyOf(concurrencyText)

  async function submit(request: BatchRequest) {
    busy.current = true
    setSubmitting(true)
    setError(null)
    try {
      const created = await createBatch(request)
      // The batch runs on the server; the button stays disabled while its page opens.
      router.push(created.url)
    } catch (caught) {
      busy.current = false
      setSubmitting(false)
      setPending(null)
      setError(messageOf(caught))
    }
  }

  function run() {
    if (busy.current) return
    setError(null)
    if (parsed.problems.length > 0) return setError('Fix the lines named above first: nothing has run')
    if (parsed.rows.length === 0) return setError(source === 'prompts' ? 'Paste at least one prompt' : 'Choose a CSV file with at least one row')
    if (concurrency === null) return setError('Fix “At a time” first')
    const request: BatchRequest = { endpointId, input: payload, rows: parsed.rows, concurrency, varySeed: false, pinExpansionOff }
    if (totalUsd > SWEEP_CONFIRM_USD) return setPending(request)
    void submit(request)
  }

  return (
    <section id="batch-panel" aria-label="Batch" hidden={hidden} onKeyDown={keepEnter} className="grid basis-full gap-3 rounded-md border border-line bg-panel p-3">
      <p className="text-xs text-muted">Run the form once per prompt (or per CSV row, whose columns are field names); the server submits them a few at a time, whether or not a page watches.</p>
      <div role="radiogroup" aria-label="Batch from" className="flex gap-4 text-sm">
        {hasPrompt && (
          <label className="flex items-center gap-1">
            <input type="radio" name={`${id}-source`} checked={source === 'prompts'} onChange={() => setSource('prompts')} />
            A list of prompts
          </label>
        )}
        <label className="flex items-center gap-1">
          <input type="radio" name={`${id}-source`} checked={source === 'csv'} onChange={() => setSource('csv')} />
          A CSV file
        </label>
      </div>
      {source === 'prompts' ? (
        <div className="grid gap-1">
          <label htmlFor={`${id}-prompts`} className="text-xs text-muted">
            Prompts, one per line
          </label>
          <textarea id={`${id}-prompts`} rows={5} className={controlClass} value={prompts} onChange={(event) => setPrompts(event.target.value)} />
        </div>
      ) : (
        <div className="grid gap-1">
          <label htmlFor={`${id}-csv`} className="text-xs text-muted">
            CSV file (first line: field names, e.g. {settable.slice(0, 3).map((field) => field.name).join(', ')})
          </label>
          <input
            id={`${id}-csv`}
            type="file"
            accept=".csv,text/csv"
            className="text-sm"
            onChange={(event) => {
              const file = event.target.files?.[0]
              if (!file) return
              // A hundred rows fit in far less; a larger file is refused before it is read.
              if (file.size > MAX_BATCH_CSV_BYTES) {
                setCsv(null)
                return setError(`${file.name} is ${(file.size / 1e6).toFixed(1)} MB: a batch CSV may be at most ${MAX_BATCH_CSV_BYTES / 1e6} MB`)
              }
              setError(null)
              void file.text().then((text) => setCsv({ name: file.name, text }))
            }}
          />
          {csv && <p className="text-xs text-muted">Read {csv.name}</p>}
        </div>
      )}
      {parsed.problems.length > 0 && (
        <div role="alert" className="grid gap-1 rounded border border-danger/40 p-2 text-sm text-danger">
          <p>Nothing has run. Fix these lines:</p>
          <ul data-testid="batch-problems" className="list-disc pl-5">
            {parsed.problems.map((problem) => (
              <li key={`${problem.line}-${problem.field}`} data-line={problem.line} data-field={problem.field}>
                {rowProblemText(problem, labelOf(problem.field))}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
        <ConcurrencyInput id={`${id}-concurrency`} text={concurrencyText} onChange={setConcurrencyText} />
      </div>
      {!rowsSetExpansion && <ExpansionPin fields={fields} pinned={pinExpansion} onChange={setPinExpansion} noun="batch" />}
      <p role="status" data-testid="batch-summary" className="text-sm">
        {runnable ? (
          <>
            <span data-testid="batch-take-count" className="font-medium">
              {takesText(parsed.rows.length)}
            </span>
            {' · total estimate '}
            <span data-testid="batch-total-estimate" className="font-mono">
              {formatUsd(totalUsd)}
            </span>
          </>
        ) : (
          `Up to ${MAX_BATCH_ROWS} takes: ${source === 'prompts' ? 'paste prompts' : 'choose a CSV'} with no bad lines to see them`
        )}
      </p>
      {pending ? (
        <SweepConfirm
          count={pending.rows.length}
          totalUsd={totalUsd}
          busy={submitting}
          onConfirm={() => {
            if (!busy.current) void submit(pending)
          }}
          onCancel={() => {
            setPending(null)
            requestAnimationFrame(() => document.getElementById(`${id}-run`)?.focus())
          }}
        />
      ) : (
        <Button id={`${id}-run`} variant="primary" disabled={submitting} onClick={run}>
          {submitting ? 'Starting batch…' : 'Run batch'}
        </Button>
      )}
      {error && (
        <p role="alert" data-testid="batch-error" className="text-sm text-danger">
          {error}
        </p>
      )}
    </section>
  )
}
