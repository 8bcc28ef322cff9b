'use client'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { Payload } from '@/lib/schema'
import type { TakeProgress } from '@/lib/takes/take-progress'
import { TERMINAL_PHASES } from '@/lib/takes/take-progress'

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
  const active = take !== null && !TERMINAL_PHASES.has(take.phase)

  useEffect(() => () => following.current?.abort(), [])

  const getRunner = useCallback(() => (runner.current ??= loadRunner()), [])

  const run = useCallback(
    async (input: Payload): Promise<TakeProgress> => {
      following.current?.abort()
      const controller = new AbortController()
      following.current = controller
      setCancelError(null)
      // Shown at once, before the runner has loaded.
      setTake({ phase: 'submitting', endpointId, input, logs: [], submittedAt: Date.now() })
      const { client, runTake } = await getRunner()
      return runTake({ client, endpointId, input, signal: controller.signal, onProgress: setTake })
    },
    [endpointId, getRunner],
  )

  const cancel = useCallback(async () => {
    if (!take?.requestId) return
    const { client, cancelTake } = await getRunner()
    const error = await cancelTake(client, take.endpointId, take.requestId)
    setCancelError(error ? error.message : null)
  }, [take, getRunner])

  return { take, active, run, cancel, cancelError }
}
