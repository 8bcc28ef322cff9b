import type { FalClient, QueueStatus } from '@fal-ai/client'
import type { TakeProgress } from './take-progress'
import { progressOfView } from './take-progress'
import { fetchTake, TakeApiError } from './take-api'
import { FINISHED_STATUSES, type TakeView } from './take-view'
import { describeFalError, isTransientFalError, type TakeError } from '@/lib/fal/describe-error'

export interface RunTakeOptions {
  client: FalClient
  /**
   * The take as the page already shows it: phase `submitting` for a new take, or a recorded take
   * to follow again (after a reload), which is never submitted again.
   */
  start: TakeProgress
  onProgress: (progress: TakeProgress) => void
  /** Stops following (e.g. the page goes away); it does not cancel the take. */
  signal?: AbortSignal
  pollIntervalMs?: number
}

/** How long following keeps trying through lost connections before it gives up (the take runs on). */
const FOLLOW_PATIENCE_MS = 5 * 60_000
const MAX_BACKOFF_MS = 8000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Submits one take through the proxy and follows it to its end: the status stream first, and if
 * the stream drops before COMPLETED, polling the same request id, riding out lost connections.
 * It never submits twice; once it has a request id, no error of its own makes the page resubmit.
 */
export async function runTake({ client, start, onProgress, signal, pollIntervalMs = 1000 }: RunTakeOptions) {
  const { endpointId, input } = start
  let state = start
  const seenLogs = new Set<string>()
  const update = (patch: Partial<TakeProgress>) => {
    state = { ...state, ...patch }
    if (!signal?.aborted) onProgress(state)
  }

  const apply = (status: QueueStatus) => {
    // Stream events carry only new logs, polling carries them all: keep each line once.
    const fresh = ('logs' in status && Array.isArray(status.logs) ? status.logs : []).filter((log) => {
      const key = `${log.timestamp}\u0000${log.message}`
      if (seenLogs.has(key)) return false
      seenLogs.add(key)
      return true
    })
    const logs = fresh.length ? [...state.logs, ...fresh.map(({ message, level, timestamp }) => ({ message, level, timestamp }))] : state.logs
    if (status.status === 'IN_QUEUE') update({ phase: 'queued', queuePosition: status.queue_position, logs })
    else if (status.status === 'IN_PROGRESS') update({ phase: 'running', queuePosition: undefined, logs })
    else update({ logs, queuePosition: undefined, inferenceTime: status.metrics?.inference_time ?? undefined })
  }

  /** Calls `call` until it answers, waiting out transient failures (network, 429, 502–504 from fal or the studio). */
  const patiently = async <T>(call: () => Promise<T>): Promise<T> => {
    const deadline = Date.now() + FOLLOW_PATIENCE_MS
    for (let attempt = 1; ; attempt++) {
      try {
        return await call()
      } catch (error) {
        const transient = isTransientFalError(error) || (error instanceof TakeApiError && error.status >= 500)
        if (signal?.aborted || !transient || Date.now() > deadline) throw error
        await sleep(Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt))
      }
    }
  }

  const follow = async (requestId: string) => {
    try {
      const stream = await client.queue.streamStatus(endpointId, { requestId, logs: true })
      const stop = () => stream.abort()
      signal?.addEventListener('abort', stop)
      stream.on('data', apply)
      update({ following: 'stream' })
      const last = await stream.done().finally(() => signal?.removeEventListener('abort', stop))
      if (last?.status === 'COMPLETED' || signal?.aborted) return
    } catch {
      if (signal?.aborted) return
    }
    update({ following: 'polling' })
    while (!signal?.aborted) {
      const status = await patiently(() => client.queue.status(endpointId, { requestId, logs: true, abortSignal: signal }))
      apply(status)
      if (status.status === 'COMPLETED') return
      await sleep(pollIntervalMs)
    }
  }

  const fail = (error: unknown, requestId?: string) => {
    let described = describeFalError(error)
    if (requestId && isTransientFalError(error)) {
      // Lost contact while following: the take itself may still finish, so resubmitting is not the answer.
      described = { kind: 'request', message: 'Lost contact with the studio while following this take; it may still finish.', detail: described.kind === 'request' ? described.detail : undefined, retryable: false }
    }
    const cancelled = described.kind === 'request' && described.errorType === 'client_cancelled'
    update({ phase: cancelled ? 'cancelled' : 'failed', error: described, finishedAt: Date.now() })
    return state
  }

  /** The take as the server recorded its end (output copy, billed amount, error); the server fetched the result. */
  const finished = async (takeId: string): Promise<TakeView> => {
    for (;;) {
      const view = await patiently(() => fetchTake(takeId, { wait: true, signal }))
      if (!view) throw new Error('The studio no longer has this take.')
      if (FINISHED_STATUSES.has(view.status) || signal?.aborted) return view
    }
  }

  let { requestId, takeId } = start
  if (start.phase === 'submitting') {
    try {
      const queued = await client.queue.submit(endpointId, { input })
      requestId = queued.request_id
      takeId = (queued as { take_id?: string }).take_id
      update({ phase: 'queued', requestId, takeId, queuePosition: queued.queue_position })
    } catch (error) {
      return fail(error)
    }
  }
  if (!takeId) return fail(new Error('The studio did not record this take.'), requestId)
  try {
    if (requestId) await follow(requestId)
    if (signal?.aborted) return state
    const view = await finished(takeId)
    if (signal?.aborted) return state
    const ended = progressOfView(view)
    update({ ...ended, logs: ended.logs.length >= state.logs.length ? ended.logs : state.logs, following: state.following })
    return state
  } catch (error) {
    return fail(error, requestId)
  }
}

/** Asks fal to cancel a queued take; the follower then sees it end as cancelled. */
export async function cancelTake(client: FalClient, endpointId: string, requestId: string): Promise<TakeError | null> {
  try {
    await client.queue.cancel(endpointId, { requestId })
    return null
  } catch (error) {
    const described = describeFalError(error)
    return described.kind === 'request' && described.status === 400
      ? { kind: 'request', message: 'The take has already started or finished, so it cannot be cancelled.', retryable: false }
      : described
  }
}
