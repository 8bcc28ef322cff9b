import 'server-only'
import { getTake, type Take } from '@/lib/db/queries'
import { watchChanges } from '@/lib/events/change-feed'
import type { ViewWatch } from '@/lib/events/sse'
import { FINISHED_STATUSES } from './take-status'
import { takeViewOf, type TakeView } from './take-view'

/**
 * A take as one viewer may watch it: the owner's view, or — with the take's current share token —
 * the shared view (a revoked link sees it vanish). It stops changing once it has ended and its
 * output copy is settled.
 */
export function takeWatch(id: string, viewer: { owner: true } | { token: string }): ViewWatch<TakeView> {
  return {
    async read() {
      const take = await getTake(id)
      if (!take) return null
      if ('owner' in viewer) return takeViewOf(take)
      return take.shareToken === viewer.token ? takeViewOf(take, viewer) : null
    },
    concerns: (change) => change.take === id,
    isFinal: (view) => FINISHED_STATUSES.has(view.status) && view.copyStatus !== 'pending',
  }
}

/**
 * The take once it has finished, or as it stands after `timeoutMs` (the API's `?wait=1`). It wakes on
 * the database's change events, so it hears of an end recorded by any process.
 */
export async function waitForFinishedTake(id: string, timeoutMs: number, signal?: AbortSignal): Promise<Take | null> {
  let wake: () => void = () => {}
  const stop = await watchChanges((change) => {
    if (change.resync || change.take === id) wake()
  })
  const aborted = () => wake()
  signal?.addEventListener('abort', aborted, { once: true })
  const deadline = Date.now() + timeoutMs
  try {
    for (;;) {
      const woken = new Promise<void>((resolve) => (wake = resolve))
      const take = await getTake(id)
      const left = deadline - Date.now()
      if (!take || FINISHED_STATUSES.has(take.status) || left <= 0 || signal?.aborted) return take
      const timer = setTimeout(wake, left)
      await woken
      clearTimeout(timer)
    }
  } finally {
    signal?.removeEventListener('abort', aborted)
    stop()
  }
}
