/** How often fal's status stream sends a keep-alive comment: about every 15 s. */
export const STREAM_KEEP_ALIVE_MS = 15_000

/** Faults the local backend can be told to inject (all off by default), and its timings tests shorten. */
export interface Faults {
  /** The next N requests to run fail with `runner_server_error`. */
  failNextRuns: number
  /** The next N submits are answered with this status (429 or 503) instead of being queued. */
  rejectNextSubmits: number
  rejectStatus: 429 | 503
  /** Status streams opened from now on close after this many events, without COMPLETED. 0: never. */
  dropStreamAfterEvents: number
  /** Extra latency added to every queue call, in milliseconds. */
  delayMs: number
  /** Extra time each run takes, in milliseconds (keeps the runners busy so others wait in the queue). */
  slowRunsMs: number
  /** Runs report this as their output video's URL instead of the file they rendered (a hostile output, for copy tests). '': off. */
  outputVideoUrl: string
  /** Running requests keep running when cancelled, as a fal model may (the cancel is still answered 202). */
  runsIgnoreCancel: boolean
  /**
   * The next N requests due to start end instead as if their start timeout (`x-fal-request-timeout`)
   * had run out: COMPLETED with `request_timeout`, their result a 504 with `X-Fal-Request-Timeout-Type: user`.
   */
  timeOutNextStarts: number
  /** The period of the status stream's keep-alive comments, in milliseconds (fal's is about 15 s); 0: none. */
  streamKeepAliveMs: number
  /** Webhooks of successful runs carry `payload: null` and a `payload_error`, as fal's do when it could not serialize the output. */
  webhookPayloadError: boolean
  /** Results state this many times the units their output is billed for (fal billing above an estimate). 1: as rendered. */
  billedUnitsFactor: number
}

export const NO_FAULTS: Faults = {
  failNextRuns: 0,
  rejectNextSubmits: 0,
  rejectStatus: 503,
  dropStreamAfterEvents: 0,
  delayMs: 0,
  slowRunsMs: 0,
  outputVideoUrl: '',
  runsIgnoreCancel: false,
  timeOutNextStarts: 0,
  streamKeepAliveMs: STREAM_KEEP_ALIVE_MS,
  webhookPayloadError: false,
  billedUnitsFactor: 1,
}

/** What the backend has been asked, for tests that must prove nothing reached it. */
export interface Counters {
  calls: number
  submits: number
  submitsByEndpoint: Record<string, number>
  statusCalls: number
  streamCalls: number
  resultCalls: number
  /** Result fetches per request id, so a test can prove each result was served exactly once. */
  resultsByRequest: Record<string, number>
  cancelCalls: number
  /** Requests that ended cancelled (queued, or aborted while running). */
  cancelled: number
  /** Requests that ended because their start timeout ran out while they were queued. */
  timedOut: number
  /** Result calls answered 404 because the result had expired. */
  expiredResults: number
  uploads: number
  /** Calls per value of the `x-fal-takes-test-tag` header, so concurrent tests count only their own calls. */
  tagged: Record<string, number>
  /** Submits per test tag. */
  submitsByTag: Record<string, number>
}

export function emptyCounters(): Counters {
  return { calls: 0, submits: 0, submitsByEndpoint: {}, statusCalls: 0, streamCalls: 0, resultCalls: 0, resultsByRequest: {}, cancelCalls: 0, cancelled: 0, timedOut: 0, expiredResults: 0, uploads: 0, tagged: {}, submitsByTag: {} }
}
