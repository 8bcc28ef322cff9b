'use client'
import Link from 'next/link'
import { useRouter } from 'next/navigation'
import { useEffect, useRef, useState, useTransition, type FormEvent } from 'react'
import { TAKE_STATUSES } from '@/lib/takes/take-status'
import { Button } from '@/components/ui/button'
import { controlClass } from '@/components/ui/styles'
import { statusLabel } from '@/components/takes/status-badge'
import { DEFAULT_PAGE_SIZE, historyHref, isFiltered, parseHistoryQuery, type HistoryQuery } from './history-query'

interface HistoryFiltersProps {
  query: HistoryQuery
  endpoints: { id: string; title: string }[]
}

/** How long typing in the search may pause before the grid follows it. */
export const SEARCH_DEBOUNCE_MS = 300

interface FilterValues {
  endpoint: string
  status: string
  q: string
}

function valuesOf(query: HistoryQuery): FilterValues {
  return { endpoint: query.endpoint ?? '', status: query.status ?? '', q: query.q ?? '' }
}

/** The history page for these filters, from the newest take (a new filter drops the cursor; the page size and chain stay). */
function hrefOf(values: FilterValues, size: number, chain: string | undefined): string {
  return historyHref(parseHistoryQuery({ ...values, size: String(size), chain }))
}

/**
 * Model, status and prompt search. They apply as they change (the search once typing pauses), with the
 * address kept in step (replaced, so reload and Back keep the filters without a step per keystroke).
 * Without JavaScript it is a GET form with a Filter button.
 */
export function HistoryFilters({ query, endpoints }: HistoryFiltersProps) {
  const router = useRouter()
  const [pending, startTransition] = useTransition()
  const [values, setValues] = useState(() => valuesOf(query))
  const shown = historyHref(query, { cursor: undefined })
  /** The filters last asked for: while the page still shows them, the fields are the user's, not the page's. */
  const asked = useRef(shown)
  const typing = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(typing.current), [])

  // The page moved by other means (Clear filters, Back, a link): show its filters.
  useEffect(() => {
    if (pending || shown === asked.current) return
    clearTimeout(typing.current)
    asked.current = shown
    setValues(valuesOf(query))
    // `query` is what `shown` is made of.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shown, pending])

  function apply(next: FilterValues) {
    clearTimeout(typing.current)
    const href = hrefOf(next, query.size, query.chain)
    if (href === asked.current && !query.cursor) return
    asked.current = href
    startTransition(() => router.replace(href, { scroll: false }))
  }

  function change(field: keyof FilterValues, value: string, { debounce = false } = {}) {
    const next = { ...values, [field]: value }
    setValues(next)
    if (!debounce) return apply(next)
    clearTimeout(typing.current)
    typing.current = setTimeout(() => apply(next), SEARCH_DEBOUNCE_MS)
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    apply(values)
  }

  // An endpoint no longer in the catalog can still have takes: keep it selectable.
  const options = query.endpoint && !endpoints.some((endpoint) => endpoint.id === query.endpoint) ? [...endpoints, { id: query.endpoint, title: query.endpoint }] : endpoints
  return (
    <form action="/takes" method="get" onSubmit={submit} role="search" aria-label="Filter takes" aria-busy={pending} className="flex flex-wrap items-end gap-3">
      <label className="flex max-w-full min-w-0 flex-col gap-1 text-xs text-muted sm:max-w-80">
        Model
        <select name="endpoint" value={values.endpoint} onChange={(event) => change('endpoint', event.target.value)} className={`${controlClass} w-full`}>
          <option value="">All models</option>
          {options.map((endpoint) => (
            <option key={endpoint.id} value={endpoint.id}>
              {endpoint.title}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-xs text-muted">
        Status
        <select name="status" value={values.status} onChange={(event) => change('status', event.target.value)} className={controlClass}>
          <option value="">All statuses</option>
          {TAKE_STATUSES.map((status) => (
            <option key={status} value={status}>
              {statusLabel(status)}
            </option>
          ))}
        </select>
      </label>
      <label className="flex min-w-56 flex-1 flex-col gap-1 text-xs text-muted">
        Prompt contains
        <input type="search" name="q" value={values.q} onChange={(event) => change('q', event.target.value, { debounce: true })} placeholder="Search prompts" className={controlClass} />
      </label>
      {query.size !== DEFAULT_PAGE_SIZE && <input type="hidden" name="size" value={query.size} />}
      {query.chain && <input type="hidden" name="chain" value={query.chain} />}
      {query.chain && (
        <span className="inline-flex items-center gap-1 self-center rounded-full border border-accent px-2 py-1 text-xs" data-testid="history-chain-chip">
          Chain of take <span className="font-mono">{query.chain}</span>
          <Link href={historyHref(query, { chain: undefined, cursor: undefined })} aria-label="Show every chain" className="px-1 text-muted hover:text-white">
            ×
          </Link>
        </span>
      )}
      <Button type="submit">Filter</Button>
      {isFiltered(query) && (
        <Link href={historyHref({ size: query.size })} className="px-1 py-1.5 text-sm text-muted hover:text-white">
          Clear filters
        </Link>
      )}
      <span role="status" className="self-center text-xs text-muted" data-testid="history-updating">
        {pending ? 'Updating…' : ''}
      </span>
    </form>
  )
}
