import 'server-only'
import { getTake, type Take } from '@/lib/db/queries'
import { FINISHED_STATUSES } from './take-view'

const POLL_MS = 250

/**
 * The take once it has finished, or as it stands after `timeoutMs`. It reads the database (not
 * this process's memory) because the process following the take may be another one.
 */
export async function waitForFinishedTake(id: string, timeoutMs: number, signal?: AbortSignal): Promise<Take | null> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const take = await getTake(id)
    if (!take || FINISHED_STATUSES.has(take.status) || Date.now() >= deadline || signal?.aborted) return take
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}
