import Form from 'next/form'
import Link from 'next/link'
import { TAKE_STATUSES } from '@/lib/takes/take-status'
import { Button } from '@/components/ui/button'
import { controlClass } from '@/components/ui/styles'
import { statusLabel } from '@/components/takes/status-badge'
import { DEFAULT_PAGE_SIZE, historyHref, isFiltered, type HistoryQuery } from './history-query'

interface HistoryFiltersProps {
  query: HistoryQuery
  endpoints: { id: string; title: string }[]
}

/**
 * Model, status and prompt search, as a GET form: it works without JavaScript, and a new filter
 * starts again from the newest take (the cursor is dropped; the page size is kept).
 */
export function HistoryFilters({ query, endpoints }: HistoryFiltersProps) {
  // An endpoint no longer in the catalog can still have takes: keep it selectable.
  const options = query.endpoint && !endpoints.some((endpoint) => endpoint.id === query.endpoint) ? [...endpoints, { id: query.endpoint, title: query.endpoint }] : endpoints
  return (
    // Keyed by the filters, so a client-side navigation (Clear, Newest) shows the new values.
    <Form key={historyHref(query, { cursor: undefined })} action="/takes" role="search" aria-label="Filter takes" className="flex flex-wrap items-end gap-3">
      <label className="flex max-w-full min-w-0 flex-col gap-1 text-xs text-muted sm:max-w-80">
        Model
        <select name="endpoint" defaultValue={query.endpoint ?? ''} className={`${controlClass} w-full`}>
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
        <select name="status" defaultValue={query.status ?? ''} className={controlClass}>
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
        <input type="search" name="q" defaultValue={query.q ?? ''} placeholder="Search prompts" className={controlClass} />
      </label>
      {query.size !== DEFAULT_PAGE_SIZE && <input type="hidden" name="size" value={query.size} />}
      <Button type="submit">Filter</Button>
      {isFiltered(query) && (
        <Link href={historyHref({ size: query.size })} className="px-1 py-1.5 text-sm text-muted hover:text-white">
          Clear filters
        </Link>
      )}
    </Form>
  )
}
