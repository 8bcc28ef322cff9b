/**
 * How long fal answers a completed request's result (fal's "Get request result"): 1 hour after it
 * completed, or only 6 minutes when the result is 10 KB or larger (unless payload storage is on,
 * which the studio does not ask for). After that the result call answers 404.
 */
export const RESULT_TTL_S = 3600
export const LARGE_RESULT_TTL_S = 360
/** fal says "10 KB" without saying which kilobyte; read as 10 × 1024 bytes. */
export const LARGE_RESULT_BYTES = 10 * 1024

export interface ResultRetention {
  resultTtlS?: number
  largeResultTtlS?: number
}

/** How long a result of `bytes` bytes is kept, in milliseconds. */
export function resultTtlMs(bytes: number, retention: ResultRetention = {}): number {
  const seconds = bytes >= LARGE_RESULT_BYTES ? (retention.largeResultTtlS ?? LARGE_RESULT_TTL_S) : (retention.resultTtlS ?? RESULT_TTL_S)
  return seconds * 1000
}

/** Whether a result of `bytes` bytes, completed at `completedAt`, is gone by `now`. */
export function resultExpired(completedAt: string, bytes: number, retention: ResultRetention = {}, now = Date.now()): boolean {
  return now - Date.parse(completedAt) >= resultTtlMs(bytes, retention)
}
