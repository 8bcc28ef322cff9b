import type { TakeError } from '@/lib/fal/describe-error'
import type { JsonValue, Payload } from '@/lib/schema'
import { outputUrl } from '@/lib/storage/output-url'

/** fal's statuses, and the studio's two ends that fal folds into COMPLETED. */
export type TakeStatusName = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELLED'

export const FINISHED_STATUSES: ReadonlySet<TakeStatusName> = new Set(['COMPLETED', 'FAILED', 'CANCELLED'])

/** A take as pages and the JSON API show it: plain data, safe to send to a browser. */
export interface TakeView {
  id: string
  endpointId: string
  input: Payload
  status: TakeStatusName
  requestId: string | null
  queuePosition: number | null
  logs: { message: string; level: string; timestamp: string }[]
  output: { [key: string]: JsonValue } | null
  error: TakeError | null
  estimateUsd: number | null
  billedUsd: number | null
  /** Seconds, as fal reports it. */
  inferenceTime: number | null
  /** ISO 8601. */
  createdAt: string
  startedAt: string | null
  completedAt: string | null
  shareEnabled: boolean
  /** The sweep this take is a cell of, if any. */
  sweepId: string | null
  /** The studio's own copy of the video when it has one, else fal's URL (never a data: URI). */
  videoUrl: string | null
  posterUrl: string | null
}

/** The columns a view is made of (a database row has them all). */
export interface TakeRecord {
  id: string
  endpointId: string
  input: Payload
  status: TakeStatusName
  falRequestId: string | null
  queuePosition: number | null
  logs: { message: string; level: string; timestamp: string }[]
  output: { [key: string]: JsonValue } | null
  error: TakeError | null
  estimateUsd: number | null
  billedUsd: number | null
  inferenceTime: number | null
  createdAt: Date
  startedAt: Date | null
  completedAt: Date | null
  shareEnabled: boolean
  sweepId: string | null
  videoKey: string | null
  posterKey: string | null
}

function falVideoUrl(output: TakeRecord['output']): string | null {
  const video = output?.video
  if (typeof video !== 'object' || video === null || Array.isArray(video)) return null
  return typeof video.url === 'string' && /^https?:\/\//.test(video.url) ? video.url : null
}

export function takeViewOf(take: TakeRecord): TakeView {
  return {
    id: take.id,
    endpointId: take.endpointId,
    input: take.input,
    status: take.status,
    requestId: take.falRequestId,
    queuePosition: take.queuePosition,
    logs: take.logs,
    output: take.output,
    error: take.error,
    estimateUsd: take.estimateUsd,
    billedUsd: take.billedUsd,
    inferenceTime: take.inferenceTime,
    createdAt: take.createdAt.toISOString(),
    startedAt: take.startedAt?.toISOString() ?? null,
    completedAt: take.completedAt?.toISOString() ?? null,
    shareEnabled: take.shareEnabled,
    sweepId: take.sweepId,
    videoUrl: take.videoKey ? outputUrl(take.videoKey) : falVideoUrl(take.output),
    posterUrl: take.posterKey ? outputUrl(take.posterKey) : null,
  }
}
