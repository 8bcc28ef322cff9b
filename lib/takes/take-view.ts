import type { CopyStatus } from '@/lib/db/schema'
import type { TakeError } from '@/lib/fal/describe-error'
import type { JsonValue, Payload } from '@/lib/schema'
import { outputUrl } from '@/lib/storage/output-url'
import { billedAboveEstimate } from '@/lib/pricing/billed'
import { isResultExpired } from './result-expired'
import type { BillUnit } from '@/lib/pricing/rules'
import { videoOf } from '@/lib/generation/output-video'

import { FINISHED_STATUSES, type TakeStatus } from './take-status'

/** A take as pages and the JSON API show it: plain data, safe to send to a browser. */
export interface TakeView {
  id: string
  endpointId: string
  input: Payload
  status: TakeStatus
  requestId: string | null
  queuePosition: number | null
  logs: { message: string; level: string; timestamp: string }[]
  output: { [key: string]: JsonValue } | null
  error: TakeError | null
  estimateUsd: number | null
  billedUsd: number | null
  /** How `billedUsd` was reached; null while nothing is billed. */
  billing: TakeBilling | null
  /** Billed more than its estimate: the estimate failed as the upper bound it is meant to be. */
  billedAboveEstimate: boolean
  /** Seconds, as fal reports it. */
  inferenceTime: number | null
  /** ISO 8601. */
  createdAt: string
  startedAt: string | null
  completedAt: string | null
  /** The take's share page (`/s/<token>`) while it is shared; null while private, and in a shared view. */
  sharePath: string | null
  /** The sweep this take is a cell of, if any. */
  sweepId: string | null
  /** The take this one continues (its shot chain's previous take); null for a chain's first take, and in a shared view. */
  parentTakeId: string | null
  /** The studio's own copy of the video when it has one, else fal's URL (never a data: URI). */
  videoUrl: string | null
  posterUrl: string | null
  /**
   * The studio's copy of the output: `pending` while the server retries it (the take plays fal's
   * URL meanwhile), `kept`, or `failed` once it gave up; null when there is nothing to copy.
   */
  copyStatus: CopyStatus | null
  /** Why the last attempt at the copy failed (the owner's view only). */
  copyError: string | null
  /** Asked to cancel, and fal has not ended it yet. */
  cancelling: boolean
  /** How the server hears of it while it runs: fal's status stream, or polling once a stream dropped. */
  followMode: 'stream' | 'polling' | null
}

/** The columns a view is made of (a database row has them all). */
export interface TakeRecord {
  id: string
  endpointId: string
  input: Payload
  status: TakeStatus
  falRequestId: string | null
  queuePosition: number | null
  logs: { message: string; level: string; timestamp: string }[]
  output: { [key: string]: JsonValue } | null
  error: TakeError | null
  estimateUsd: number | null
  billedUsd: number | null
  /** fal's billable units and their rate, when fal answered them (absent: it did not). */
  billableUnits?: number | null
  billedUnit?: BillUnit | null
  billedRateUsd?: number | null
  inferenceTime: number | null
  createdAt: Date
  startedAt: Date | null
  completedAt: Date | null
  shareToken: string | null
  sweepId: string | null
  /** Absent in records made before shot chains (tests' fixtures): no parent. */
  parentTakeId?: string | null
  videoKey: string | null
  posterKey: string | null
  copyStatus: CopyStatus | null
  copyError: string | null
  cancelRequestedAt: Date | null
  followMode: 'stream' | 'polling' | null
}

/**
 * How a take's bill was reached: fal's billable units × the endpoint's rate (`fal`), or — fal
 * answered no units — computed from the output's size and length at the rate (`output`, an estimate),
 * or its estimate (`estimate`: fal billed it, and no longer holds its result).
 */
export type TakeBilling = { basis: 'fal'; units: number; unit: BillUnit; rateUsd: number } | { basis: 'output' } | { basis: 'estimate' }

function billingOf(take: TakeRecord): TakeBilling | null {
  if (take.billedUsd === null) return null
  // fal billed it and no longer holds its result: it counts at its estimate.
  if (isResultExpired(take.error)) return { basis: 'estimate' }
  const { billableUnits, billedUnit, billedRateUsd } = take
  if (billableUnits == null || billedUnit == null || billedRateUsd == null) return { basis: 'output' }
  return { basis: 'fal', units: billableUnits, unit: billedUnit, rateUsd: billedRateUsd }
}

function falVideoUrl(output: TakeRecord['output']): string | null {
  const url = videoOf(output)?.url
  return url && /^https?:\/\//.test(url) ? url : null
}

/** What an owner's media or LoRA address looks like (never ordinary text such as "Style: noir"). */
const URL_LIKE = /^(?:(?:https?|data|blob|file|ftp|wss?|s3|gs):|\/\/)/i

/** A value without the URLs (and data URIs) in it: a shared view shows none of the owner's media or LoRA addresses. */
function withoutUrls(value: JsonValue): JsonValue | undefined {
  if (typeof value === 'string') return URL_LIKE.test(value.trim()) ? undefined : value
  if (Array.isArray(value)) return value.map(withoutUrls).filter((item): item is JsonValue => item !== undefined)
  if (value !== null && typeof value === 'object') {
    const kept: { [key: string]: JsonValue } = {}
    for (const [key, item] of Object.entries(value)) {
      const stripped = withoutUrls(item)
      if (stripped !== undefined) kept[key] = stripped
    }
    return kept
  }
  return value
}

/** An address inside a message (JSON-encoded, so it ends at a quote, a backslash or a space). */
const EMBEDDED_URL = /(?:https?|data|blob|file):[^\s"\\]+/gi

/** Where a shared take's page lives. */
export function sharePathOf(token: string): string {
  return `/s/${encodeURIComponent(token)}`
}

/**
 * A take as its owner sees it, or — with `shared` — as anyone holding its share link sees it: the
 * player (kept copies only, each URL carrying the link's token), parameters and cost, and nothing
 * else of the owner's: no input or LoRA URLs, no logs, no fal request id, no fal URLs, no sweep.
 */
export function takeViewOf(take: TakeRecord, shared?: { token: string }): TakeView {
  const owner = ownerViewOf(take)
  if (!shared) return owner
  const withToken = (url: string | null) => (url && url.startsWith('/api/outputs/') ? `${url}?s=${encodeURIComponent(shared.token)}` : null)
  const videoUrl = withToken(take.videoKey ? owner.videoUrl : null)
  const output = take.output ? (withoutUrls(take.output) as { [key: string]: JsonValue }) : null
  // The output's facts stay (size, frames…); its address is the kept copy's, through the link.
  const video = output?.video
  if (videoUrl && video && typeof video === 'object' && !Array.isArray(video)) output.video = { ...video, url: videoUrl }
  return {
    ...owner,
    input: withoutUrls(take.input) as Payload,
    // The runner's logs are the owner's: they may name machines, files and addresses.
    logs: [],
    output,
    error: take.error ? (JSON.parse(JSON.stringify(take.error).replace(EMBEDDED_URL, '(an address not shared)')) as TakeError) : null,
    requestId: null,
    sharePath: null,
    sweepId: null,
    parentTakeId: null,
    // The shared player shows kept copies only: nothing of fal's to explain.
    copyStatus: null,
    copyError: null,
    videoUrl,
    posterUrl: withToken(owner.posterUrl),
  }
}

function ownerViewOf(take: TakeRecord): TakeView {
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
    billing: billingOf(take),
    billedAboveEstimate: billedAboveEstimate(take.billedUsd, take.estimateUsd),
    inferenceTime: take.inferenceTime,
    createdAt: take.createdAt.toISOString(),
    startedAt: take.startedAt?.toISOString() ?? null,
    completedAt: take.completedAt?.toISOString() ?? null,
    sharePath: take.shareToken ? sharePathOf(take.shareToken) : null,
    sweepId: take.sweepId,
    parentTakeId: take.parentTakeId ?? null,
    videoUrl: take.videoKey ? outputUrl(take.videoKey) : falVideoUrl(take.output),
    posterUrl: take.posterKey ? outputUrl(take.posterKey) : null,
    copyStatus: take.copyStatus,
    copyError: take.copyError,
    cancelling: take.cancelRequestedAt !== null && !FINISHED_STATUSES.has(take.status),
    followMode: take.followMode,
  }
}
