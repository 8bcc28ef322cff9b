import type { ValidationDetail } from '@/lib/fal/errors'
import type { JsonValue, Payload } from '@/lib/schema'

export type QueueStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED'

export interface LogEntry {
  message: string
  level: 'INFO' | 'DEBUG' | 'WARN' | 'ERROR'
  source: 'USER'
  timestamp: string
}

/** How a request ended, when it did not produce an output. */
export type RequestFailure =
  | { kind: 'validation'; status: 422; detail: ValidationDetail[] }
  | {
      kind: 'request'
      status: number
      detail: string
      errorType: string
      retryable: boolean
      /** `user` when the caller's own start timeout ran out: fal's client must not retry that 504. */
      timeoutType?: 'user'
    }

/** One request to the local backend, as kept on disk. */
export interface LocalRequest {
  id: string
  endpointId: string
  input: Payload
  /** The origin the submitter reached the studio on; file URLs are made on it. */
  origin: string
  webhookUrl?: string
  /** The submitter's test tag (control mode only): tagged faults apply to it. */
  testTag?: string
  /** When the request must have started (`x-fal-request-timeout`), as an ISO time; past it while queued, it ends with fal's request_timeout. */
  startBy?: string
  /** A webhook is owed and not yet delivered nor given up: sent again after a restart. */
  webhookPending?: boolean
  /** Orders the queue. */
  sequence: number
  status: QueueStatus
  submittedAt: string
  startedAt?: string
  completedAt?: string
  logs: LogEntry[]
  output?: { [key: string]: JsonValue }
  failure?: RequestFailure
  inferenceTime?: number
  /** How many times it was started (more than one after a restart mid-run). */
  attempts: number
}
