'use client'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { Payload } from '@/lib/schema'
import type { TakeError } from '@/lib/fal/describe-error'
import { cancelTakeRequest } from '@/lib/takes/take-api'
import { hasEnded, progressOfView, type TakeProgress } from '@/lib/takes/take-progress'
import type { TakeView } from '@/lib/takes/take-view'
import { useEventStream } from '@/components/live/use-event-stream'
import { PARENT_TAKE_HEADER } from '@/lib/chains/parent-header'

/** Puts the take in the page's address, so a reload (or the back button) comes back to it. */
function showTakeInUrl(takeId: string | undefined) {
  if (!takeId) return
  const url = new URL(window.location.href)
  if (url.searchParams.get('take') === takeId) return
  url.searchParams.delete('remix')
  // A continue's address has done its work: a reload shows the take, it does not prepare another continuation.
  url.searchParams.delete('continue')
  url.searchParams.delete('field')
  url.searchParams.set('take', takeId)
  window.history.replaceState(window.history.state, '', url)
}

/** The fal client and its error reader, loaded on the first Run: the playground page stays light. */
const loadSubmitter = () =>
  Promise.all([import('@/lib/fal/browser-client'), import('@/lib/fal/describe-error')]).then(([{ browserFalClient }, { describeFalError }]) => ({
    client: browserFalClient(),
    describeFalError,
  }))

const NOT_LOADED: TakeError = { kind: 'request', message: 'The studio’s code for running takes could not be loaded.', detail: 'Reload the page and try again.', retryable: true }

/**
 * Runs one take at a time for an endpoint: submits it through the fal proxy (the server records,
 * submits and follows it), then watches the studio's event stream of the take.
 */
export function useTake(endpointId: string, onEnded: (take: TakeProgress) => void) {
  const [take, setTake] = useState<TakeProgress | null>(null)
  const [watched, setWatched] = useState<string | null>(null)
  const [cancelError, setCancelError] = useState<string | null>(null)
  // Set synchronously, so a double click or a repeated shortcut cannot submit twice before React re-renders.
  const busy = useRef(false)
  const active = take !== null && !hasEnded(take)

  // The latest handler, for the stream's events and for run's refusals alike.
  const endedHandler = useRef(onEnded)
  useEffect(() => {
    endedHandler.current = onEnded
  })
  const ended = (take: TakeProgress) => endedHandler.current(take)
  const { reconnecting } = useEventStream(watched && `/api/takes/${encodeURIComponent(watched)}/events`, ['view'], (_event, data) => {
    const progress = progressOfView(data as TakeView)
    const endsNow = hasEnded(progress) && busy.current
    if (hasEnded(progress)) busy.current = false
    setTake(progress)
    if (endsNow) ended(progress)
  })

  /** Shows a recorded take (after a reload) and watches it if it is still running; it is never submitted again. */
  const resume = useCallback((start: TakeProgress) => {
    busy.current = !hasEnded(start)
    setCancelError(null)
    setTake(start)
    setWatched(start.takeId ?? null)
  }, [])

  const run = useCallback(
    /** `parentTakeId`: the take this one continues (sent as a studio header, which the proxy checks and never forwards). */
    async (input: Payload, { parentTakeId }: { parentTakeId?: string } = {}): Promise<void> => {
      if (busy.current) return
      busy.current = true
      setCancelError(null)
      setWatched(null)
      const start: TakeProgress = { status: 'SUBMITTING', endpointId, input, logs: [], submittedAt: Date.now() }
      setTake(start)
      let describe: ((error: unknown) => TakeError) | null = null
      try {
        const { client, describeFalError } = await loadSubmitter()
        describe = describeFalError
        const headers = parentTakeId ? { [PARENT_TAKE_HEADER]: parentTakeId } : undefined
        const queued = (await client.queue.submit(endpointId, { input, headers })) as { request_id: string; queue_position?: number; take_id?: string }
        if (!queued.take_id) throw new Error('The studio did not record this take.')
        showTakeInUrl(queued.take_id)
        const submitted: TakeProgress = { ...start, status: 'IN_QUEUE', takeId: queued.take_id, requestId: queued.request_id, queuePosition: queued.queue_position }
        setTake((current) => (current?.status === 'SUBMITTING' ? submitted : current))
        setWatched(queued.take_id)
      } catch (error) {
        busy.current = false
        const failed: TakeProgress = { ...start, status: 'FAILED', finishedAt: Date.now(), error: describe ? describe(error) : NOT_LOADED }
        setTake(failed)
        ended(failed)
      }
    },
    [endpointId],
  )

  const cancel = useCallback(async () => {
    if (!take?.takeId) return
    setCancelError(await cancelTakeRequest(take.takeId))
  }, [take])

  return { take, active, run, resume, cancel, cancelError, reconnecting }
}
