import type { Metadata } from 'next'
import { InvalidCursorError, listTakes } from '@/lib/db/queries'
import { catalog } from '@/lib/endpoints'
import { takeViewOf } from '@/lib/takes/take-view'
import { publicOrigin } from '@/lib/http/page-origin'
import { backendMode } from '@/lib/fal/backend'
import { SimulatedAmounts } from '@/components/takes/simulated-amounts'
import { HistoryFilters } from '@/components/history/history-filters'
import { HistoryGrid } from '@/components/history/history-grid'
import { HistoryBadCursor, HistoryEmpty } from '@/components/history/history-empty'
import { HistoryPagination } from '@/components/history/history-pagination'
import { HistoryLive } from '@/components/history/history-live'
import { parseHistoryQuery, type HistoryQuery, type SearchParams } from '@/components/history/history-query'

export const dynamic = 'force-dynamic'

export const metadata: Metadata = { title: 'History' }

/** One page of takes for the query; null when its cursor is not one a page gave out. */
async function pageOf(query: HistoryQuery) {
  try {
    const page = await listTakes({ endpointId: query.endpoint, status: query.status, search: query.q, cursor: query.cursor, limit: query.size, chain: query.chain })
    return { takes: page.takes.map((take) => takeViewOf(take)), nextCursor: page.nextCursor, renderedAt: Date.now() }
  } catch (error) {
    if (error instanceof InvalidCursorError) return null
    throw error
  }
}

export default async function HistoryPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const query = parseHistoryQuery(await searchParams)
  const [page, origin] = await Promise.all([pageOf(query), publicOrigin()])
  return (
    <SimulatedAmounts simulated={backendMode() === 'local'}>
      <header className="mb-6">
        <h1 className="text-2xl font-semibold tracking-tight">History</h1>
        <p className="mt-1 text-muted">Every take, newest first.</p>
      </header>
      <HistoryFilters query={query} endpoints={catalog.endpoints.map(({ id, title }) => ({ id, title }))} />
      {!page ? (
        <HistoryBadCursor query={query} />
      ) : page.takes.length === 0 ? (
        <HistoryEmpty query={query} />
      ) : (
        <HistoryGrid takes={page.takes} origin={origin} now={page.renderedAt} />
      )}
      {page && <HistoryPagination query={query} nextCursor={page.nextCursor} />}
      {page && <HistoryLive shownIds={page.takes.map((take) => take.id)} firstPage={!query.cursor} />}
    </SimulatedAmounts>
  )
}
