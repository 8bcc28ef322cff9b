import type { JsonValue, Payload } from '@/lib/schema'
import type { TakeError } from '@/lib/fal/describe-error'
import type { TakeView } from './take-view'

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
  /** The studio's record of the take (its page is /t/<takeId>), once the submit is recorded. */
  takeId?: string
  requestId?: string
  queuePosition?: number
  logs: TakeLog[]
  /** Epoch milliseconds. */
  submittedAt: number
  finishedAt?: number
  /** Seconds, as fal reports it on completion. */
  inferenceTime?: number
  output?: { [key: string]: JsonValue }
  /** Where the studio's copy of the output stands, once the take is recorded as finished. */
  copyStatus?: TakeView['copyStatus']
  error?: TakeError
  /** How the status is followed: the stream first, polling once a stream drops. */
  following?: 'stream' | 'polling'
}

export const TERMINAL_PHASES: ReadonlySet<TakePhase> = new Set(['completed', 'failed', 'cancelled'])

const PHASE_OF: Record<TakeView['status'], TakePhase> = {
  IN_QUEUE: 'queued',
  IN_PROGRESS: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
}

/** The output with its video pointing at the studio's own copy, which outlives fal's URL. */
function withKeptVideo(output: TakeView['output'], videoUrl: string | null): TakeProgress['output'] {
  if (!output) return undefined
  const video = output.video
  if (!videoUrl || typeof video !== 'object' || video === null || Array.isArray(video)) return output
  return { ...output, video: { ...video, url: videoUrl } }
}

/** A recorded take as the run area shows it. */
export function progressOfView(view: TakeView): TakeProgress {
  return {
    phase: PHASE_OF[view.status],
    endpointId: view.endpointId,
    input: view.input,
    takeId: view.id,
    requestId: view.requestId ?? undefined,
    queuePosition: view.queuePosition ?? undefined,
    logs: view.logs,
    submittedAt: Date.parse(view.createdAt),
    finishedAt: view.completedAt ? Date.parse(view.completedAt) : undefined,
    inferenceTime: view.inferenceTime ?? undefined,
    output: withKeptVideo(view.output, view.videoUrl),
    copyStatus: view.copyStatus,
    error: view.error ?? undefined,
  }
}
