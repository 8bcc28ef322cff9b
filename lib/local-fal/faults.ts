/** Faults the local backend can be told to inject (all off by default), for tests. */
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
  uploads: number
  /** Calls per value of the `x-fal-takes-test-tag` header, so concurrent tests count only their own calls. */
  tagged: Record<string, number>
  /** Submits per test tag. */
  submitsByTag: Record<string, number>
}

export function emptyCounters(): Counters {
  return { calls: 0, submits: 0, submitsByEndpoint: {}, statusCalls: 0, streamCalls: 0, resultCalls: 0, resultsByRequest: {}, cancelCalls: 0, cancelled: 0, uploads: 0, tagged: {}, submitsByTag: {} }
}
