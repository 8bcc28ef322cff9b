'use client'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { Payload } from '@/lib/schema'
import type { TakeProgress } from '@/lib/takes/take-progress'
import { TERMINAL_PHASES } from '@/lib/takes/take-progress'

/** Puts the take in the page's address, so a reload (or the back button) comes back to it. */
function showTakeInUrl(takeId: string | undefined) {
  if (!takeId) return
  const url = new URL(window.location.href)
  if (url.searchParams.get('take') === takeId) return
  url.searchParams.delete('remix')
  url.searchParams.set('take', takeId)
  window.history.replaceState(window.history.state, '', url)
}

/** The fal client and the take runner, loaded on the first Run: the playground page stays light. */
async function loadRunner() {
  const [{ browserFalClient }, runner] = await Promise.all([import('@/lib/fal/browser-client'), import('@/lib/takes/run-take')])
  return { client: browserFalClient(), ...runner }
}

type Runner = Awaited<ReturnType<typeof loadRunner>>

/** Runs one take at a time for an endpoint and exposes its progress to the page. */
export function useTake(endpointId: string) {
  const [take, setTake] = useState<TakeProgress | null>(null)
  const [cancelError, setCancelError] = useState<string | null>(null)
  const runner = useRef<Promise<Runner> | null>(null)
  const following = useRef<AbortController | null>(null)
  // Set synchronously, so a double click or a repeated shortcut cannot submit twice before React re-renders.
  const inFlight = useRef(false)
  const active = take !== null && !TERMINAL_PHASES.has(take.phase)

  useEffect(() => () => following.current?.abort(), [])

  const getRunner = useCallback(() => {
    runner.current ??= loadRunner().catch((error: unknown) => {
      runner.current = null
      throw error
    })
    return runner.current
  }, [])

  const onProgress = useCallback((progress: TakeProgress) => {
    showTakeInUrl(progress.takeId)
    setTake(progress)
  }, [])

  /** Follows `start` to its end: submits it when its phase is `submitting`, else follows the recorded take again without resubmitting. */
  const follow = useCallback(
    async (start: TakeProgress): Promise<TakeProgress | null> => {
      if (inFlight.current) return null
      inFlight.current = true
      following.current?.abort()
      const controller = new AbortController()
      following.current = controller
      setCancelError(null)
      setTake(start)
      if (TERMINAL_PHASES.has(start.phase)) {
        inFlight.current = false
        return start
      }
      try {
        const { client, runTake } = await getRunner()
        return await runTake({ client, start, signal: controller.signal, onProgress })
      } catch {
        const failed: TakeProgress = {
          ...start,
          phase: 'failed',
          finishedAt: Date.now(),
          error: { kind: 'request', message: 'The studio’s code for running takes could not be loaded.', detail: 'Reload the page and try again.', retryable: true },
        }
        setTake(failed)
        return failed
      } finally {
        inFlight.current = false
      }
    },
    [getRunner, onProgress],
  )

  const run = useCallback(
    (input: Payload) => follow({ phase: 'submitting', endpointId, input, logs: [], submittedAt: Date.now() }),
    [endpointId, follow],
  )

  const cancel = useCallback(async () => {
    if (!take?.requestId) return
    const { client, cancelTake } = await getRunner()
    const error = await cancelTake(client, take.endpointId, take.requestId)
    setCancelError(error ? error.message : null)
  }, [take, getRunner])

  return { take, active, run, resume: follow, cancel, cancelError }
}
