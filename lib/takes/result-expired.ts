import type { TakeError } from '@/lib/fal/describe-error'

/**
 * fal keeps a completed request's result for an hour, or six minutes when it is 10 KB or more.
 * A take whose result went before the studio fetched it (the studio was down) ends with this
 * error rather than a generic failure; fal billed it, so it counts at its estimate. A webhook that
 * brings the result later (fal retries them for hours) still completes it.
 */
export const RESULT_EXPIRED = 'result_expired'

/** "2026-12-02 19:41 UTC": stored with the take, so written in one zone. */
function utcMinute(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

export function resultExpiredError(completedAt: Date): TakeError {
  return {
    kind: 'request',
    errorType: RESULT_EXPIRED,
    status: 404,
    retryable: false,
    message: `fal no longer holds this result; it completed at ${utcMinute(completedAt)} and was billed.`,
    detail: 'fal keeps a result for an hour (six minutes when it is 10 KB or more). The studio was not running to fetch it in time, and no webhook has brought it; if one comes, the take completes.',
  }
}

export function isResultExpired(error: TakeError | null | undefined): boolean {
  return error?.kind === 'request' && error.errorType === RESULT_EXPIRED
}
