import type { FalClient, QueueStatus } from '@fal-ai/client'
import type { Payload } from '@/lib/schema'
import type { TakeProgress } from './take-progress'
import { describeFalError, type TakeError } from '@/lib/fal/describe-error'

export interface RunTakeOptions {
  client: FalClient
  endpointId: string
  input: Payload
  onProgress: (progress: TakeProgress) => void
  /** Stops following (e.g. the page goes away); it does not cancel the take. */
  signal?: AbortSignal
  pollIntervalMs?: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Submits one take through the proxy and follows it to its end: the status stream first, and if
 * the stream drops before COMPLETED, polling the same request id. It never submits twice.
 */
export async function runTake({ client, endpointId, input, onProgress, signal, pollIntervalMs = 1000 }: RunTakeOptions) {
  let state: TakeProgress = { phase: 'submitting', endpointId, input, logs: [], submittedAt: Date.now() }
  const seenLogs = new Set<string>()
  const update = (patch: Partial<TakeProgress>) => {
    state = { ...state, ...patch }
    onProgress(state)
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
    else if (status.status === 'IN_PROGRESS') update({ phase: 'running', startedAt: state.startedAt ?? Date.now(), queuePosition: undefined, logs })
    else update({ logs, queuePosition: undefined, inferenceTime: status.metrics?.inference_time ?? undefined })
  }

  const follow = async (requestId: string) => {
    try {
      const stream = await client.queue.streamStatus(endpointId, { requestId, logs: true })
      const stop = () => stream.abort()
      signal?.addEventListener('abort', stop)
      stream.on('data', apply)
      update({ following: 'stream' })
      const last = await stream.done().finally(() => signal?.removeEventListener('abort', stop))
      if (last?.status === 'COMPLETED') return
    } catch {
      if (signal?.aborted) return
    }
    update({ following: 'polling' })
    while (!signal?.aborted) {
      const status = await client.queue.status(endpointId, { requestId, logs: true })
      apply(status)
      if (status.status === 'COMPLETED') return
      await sleep(pollIntervalMs)
    }
  }

  const fail = (error: unknown) => {
    const described = describeFalError(error)
    const cancelled = described.kind === 'request' && described.errorType === 'client_cancelled'
    update({ phase: cancelled ? 'cancelled' : 'failed', error: described, finishedAt: Date.now() })
    return state
  }

  onProgress(state)
  let requestId: string
  try {
    const queued = await client.queue.submit(endpointId, { input })
    requestId = queued.request_id
    update({ phase: 'queued', requestId, queuePosition: queued.queue_position })
  } catch (error) {
    return fail(error)
  }
  try {
    await follow(requestId)
    if (signal?.aborted) return state
    const result = await client.queue.result(endpointId, { requestId })
    update({ phase: 'completed', output: result.data as TakeProgress['output'], finishedAt: Date.now() })
    return state
  } catch (error) {
    return fail(error)
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
      ? { kind: 'request', message: 'The take has already started and cannot be cancelled.', retryable: false }
      : described
  }
}
