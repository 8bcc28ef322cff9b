import type { JsonValue, Payload } from '@/lib/schema'
import type { TakeError } from '@/lib/fal/describe-error'
import type { TakeView } from './take-view'
import { FINISHED_STATUSES, type TakeStatus } from './take-status'


export interface TakeLog {
  message: string
  level: string
  timestamp: string
}

/** Everything the page shows of a take while it runs and once it ends. */
export interface TakeProgress {
  /** The take's status; SUBMITTING until the studio has recorded it and fal has answered. */
  status: TakeStatus | 'SUBMITTING'
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
  /** How the server follows it: fal's status stream first, polling once a stream drops. */
  following?: 'stream' | 'polling'
  /** Asked to cancel; fal has not ended it yet. */
  cancelling?: boolean
  /** What the studio recorded as billed, once the take has ended, and how it was reached. */
  cost?: Pick<TakeView, 'estimateUsd' | 'billedUsd' | 'billing' | 'billedAboveEstimate'>
}

/** Whether the take has ended (and the page may run another). */
export function hasEnded(take: Pick<TakeProgress, 'status'>): boolean {
  return take.status !== 'SUBMITTING' && FINISHED_STATUSES.has(take.status)
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
    status: view.status,
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
    following: view.followMode ?? undefined,
    cancelling: view.cancelling,
    cost: { estimateUsd: view.estimateUsd, billedUsd: view.billedUsd, billing: view.billing, billedAboveEstimate: view.billedAboveEstimate },
  }
}
