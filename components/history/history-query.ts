import { TAKE_STATUSES, type TakeStatus } from '@/lib/takes/take-status'

export const DEFAULT_PAGE_SIZE = 24
export const MAX_PAGE_SIZE = 48

/** The history page's address, parsed: filters, the page's cursor and its size. */
export interface HistoryQuery {
  endpoint?: string
  status?: TakeStatus
  q?: string
  /** Only the takes of this take's shot chain. */
  chain?: string
  cursor?: string
  size: number
}

export type SearchParams = Record<string, string | string[] | undefined>

function single(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value
  const trimmed = first?.trim()
  return trimmed ? trimmed : undefined
}

function isStatus(value: string | undefined): value is TakeStatus {
  return (TAKE_STATUSES as readonly string[]).includes(value ?? '')
}

/** A take id, or nothing (anything else names no take). */
function chainOf(value: string | undefined): string | undefined {
  return value && /^[A-Za-z0-9_-]{1,64}$/.test(value) ? value : undefined
}

/** Unknown statuses and unusable sizes are ignored rather than refused: the page still shows takes. */
export function parseHistoryQuery(params: SearchParams): HistoryQuery {
  const status = single(params.status)
  const size = Number(single(params.size))
  return {
    endpoint: single(params.endpoint),
    status: isStatus(status) ? status : undefined,
    q: single(params.q),
    chain: chainOf(single(params.chain)),
    cursor: single(params.cursor),
    size: Number.isInteger(size) && size > 0 ? Math.min(size, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE,
  }
}

export function isFiltered(query: HistoryQuery): boolean {
  return query.endpoint !== undefined || query.status !== undefined || query.q !== undefined || query.chain !== undefined
}

/** The history page for `query` with `changes` applied (`undefined` drops a parameter). */
export function historyHref(query: HistoryQuery, changes: Partial<HistoryQuery> = {}): string {
  const next = { ...query, ...changes }
  const params = new URLSearchParams()
  if (next.endpoint) params.set('endpoint', next.endpoint)
  if (next.status) params.set('status', next.status)
  if (next.q) params.set('q', next.q)
  if (next.chain) params.set('chain', next.chain)
  if (next.size !== DEFAULT_PAGE_SIZE) params.set('size', String(next.size))
  if (next.cursor) params.set('cursor', next.cursor)
  const search = params.toString()
  return search ? `/takes?${search}` : '/takes'
}
