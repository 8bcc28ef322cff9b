'use client'
import { useRouter } from 'next/navigation'
import { useEffect } from 'react'
import { fetchTake } from '@/lib/takes/take-api'
import { FINISHED_STATUSES } from '@/lib/takes/take-view'

const RETRY_MS = 2000

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true })
  })

/**
 * Follows an unfinished take by long-polling the take API (which answers once the take finishes,
 * or after 20 s), then re-renders the page from the server with the result. A signed-out viewer of
 * a shared take (`shareToken`) gets an answer at once, so it asks every few seconds instead.
 */
export function TakeWatcher({ id, shareToken }: { id: string; shareToken?: string }) {
  const router = useRouter()
  useEffect(() => {
    const controller = new AbortController()
    const { signal } = controller
    async function follow() {
      while (!signal.aborted) {
        try {
          const take = await fetchTake(id, shareToken ? { shareToken, signal } : { wait: true, signal })
          // Finished, or deleted meanwhile: either way the server's page says what to show now.
          if (!take || FINISHED_STATUSES.has(take.status)) return router.refresh()
          if (!shareToken) continue
        } catch {
          if (signal.aborted) return
        }
        await sleep(RETRY_MS, signal)
      }
    }
    void follow()
    return () => controller.abort()
  }, [id, shareToken, router])
  return (
    <p role="status" className="text-sm text-muted" data-testid="take-watcher">
      Still generating — this page updates when the take finishes.
    </p>
  )
}
