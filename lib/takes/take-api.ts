import type { TakeView } from './take-view'

/** The studio's answer was not a take (a 5xx, say); `status` tells whether waiting can help. */
export class TakeApiError extends Error {
  constructor(readonly status: number) {
    super(`The studio answered HTTP ${status} for this take.`)
    this.name = 'TakeApiError'
  }
}

/** A take from the studio's API; null when there is no such take. `wait` holds until it has finished (up to 20 s). */
export async function fetchTake(id: string, { wait = false, signal }: { wait?: boolean; signal?: AbortSignal } = {}): Promise<TakeView | null> {
  const response = await fetch(`/api/takes/${encodeURIComponent(id)}${wait ? '?wait=1' : ''}`, { signal, cache: 'no-store' })
  if (response.status === 404) return null
  if (!response.ok) throw new TakeApiError(response.status)
  return (await response.json()) as TakeView
}
