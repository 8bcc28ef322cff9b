import type { JsonValue, Payload } from '@/lib/schema'
import type { TakeError } from '@/lib/fal/describe-error'

export type TakePhase = 'submitting' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled'

export interface TakeLog {
  message: string
  level: string
  timestamp: string
}

/** Everything the page shows of a take while it runs and once it ends. */
export interface TakeProgress {
  phase: TakePhase
  endpointId: string
  input: Payload
  requestId?: string
  queuePosition?: number
  logs: TakeLog[]
  /** Epoch milliseconds. */
  submittedAt: number
  finishedAt?: number
  /** Seconds, as fal reports it on completion. */
  inferenceTime?: number
  output?: { [key: string]: JsonValue }
  error?: TakeError
  /** How the status is followed: the stream first, polling once a stream drops. */
  following?: 'stream' | 'polling'
}

export const TERMINAL_PHASES: ReadonlySet<TakePhase> = new Set(['completed', 'failed', 'cancelled'])
