import type { TakeView } from './take-view'

/** The studio's answer was not a take (a 5xx, say); `status` tells whether waiting can help. */
export class TakeApiError extends Error {
  constructor(readonly status: number) {
    super(`The studio answered HTTP ${status} for this take.`)
    this.name = 'TakeApiError'
  }
}

interface FetchTakeOptions {
  /** Hold the answer until the take has finished (up to 20 s); owners only. */
  wait?: boolean
  /** The share link's token, for a signed-out viewer of a shared take. */
  shareToken?: string
  signal?: AbortSignal
}

/** A take from the studio's API; null when there is no such take (or its link is revoked). */
export async function fetchTake(id: string, { wait = false, shareToken, signal }: FetchTakeOptions = {}): Promise<TakeView | null> {
  const query = new URLSearchParams({ ...(wait ? { wait: '1' } : {}), ...(shareToken ? { s: shareToken } : {}) }).toString()
  const response = await fetch(`/api/takes/${encodeURIComponent(id)}${query ? `?${query}` : ''}`, { signal, cache: 'no-store' })
  if (response.status === 404) return null
  if (!response.ok) throw new TakeApiError(response.status)
  return (await response.json()) as TakeView
}
