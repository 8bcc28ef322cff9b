import type { TakeView } from './take-view'

/** The studio's answer was not a take (a 5xx, say). */
export class TakeApiError extends Error {
  constructor(readonly status: number) {
    super(`The studio answered HTTP ${status} for this take.`)
    this.name = 'TakeApiError'
  }
}

/** A take from the studio's API, for its owner; null when there is no such take. */
export async function fetchTake(id: string, { signal }: { signal?: AbortSignal } = {}): Promise<TakeView | null> {
  const response = await fetch(`/api/takes/${encodeURIComponent(id)}`, { signal, cache: 'no-store' })
  if (response.status === 404) return null
  if (!response.ok) throw new TakeApiError(response.status)
  return (await response.json()) as TakeView
}

/** Asks the studio to cancel a take; null once fal was asked, else why it could not be. */
export async function cancelTakeRequest(id: string): Promise<string | null> {
  try {
    const response = await fetch(`/api/takes/${encodeURIComponent(id)}/cancel`, { method: 'POST', cache: 'no-store' })
    if (response.status === 202) return null
    const body = (await response.json().catch(() => null)) as { detail?: unknown } | null
    return typeof body?.detail === 'string' ? body.detail : `The studio answered HTTP ${response.status}.`
  } catch {
    return 'The studio could not be reached to cancel this take.'
  }
}
