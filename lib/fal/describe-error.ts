import { ApiError, ValidationError } from '@fal-ai/client'

/** A take's error as the studio shows it: field errors, or a plain message and whether a retry can help. */
export type TakeError =
  | { kind: 'validation'; message: string; fields: { field: string; message: string }[] }
  | { kind: 'request'; message: string; detail?: string; errorType?: string; status?: number; retryable: boolean }

/** Plain words for fal's `error_type`s, and whether trying again can help. */
const REQUEST_ERRORS: Record<string, { message: string; retryable: boolean }> = {
  runner_server_error: { message: 'The model crashed while generating this take.', retryable: true },
  runner_scheduling_failure: { message: 'No machine was free to run this take.', retryable: true },
  runner_connection_timeout: { message: 'The model’s machine stopped answering.', retryable: true },
  request_timeout: { message: 'The take took longer than fal allows.', retryable: true },
  startup_timeout: { message: 'The take did not start in time.', retryable: true },
  rate_limited: { message: 'fal is rate-limiting this key right now.', retryable: true },
  client_cancelled: { message: 'The take was cancelled.', retryable: true },
  internal_error: { message: 'fal had an internal error.', retryable: true },
  // The studio's own refusals, in the same shape (lib/fal/proxy.ts).
  budget_exceeded: { message: 'This take is over the studio’s spending cap.', retryable: false },
  studio_rate_limited: { message: 'Too many requests from you right now.', retryable: true },
  sign_in_required: { message: 'Your session has ended: sign in again.', retryable: false },
}

const BY_STATUS: Record<number, { message: string; retryable: boolean }> = {
  401: { message: 'The studio’s fal key was refused.', retryable: false },
  403: { message: 'The studio’s fal key may not use this endpoint.', retryable: false },
  404: { message: 'fal does not know this request.', retryable: false },
  429: { message: 'Too many takes at once for this key.', retryable: true },
  499: REQUEST_ERRORS.client_cancelled!,
  502: { message: 'fal could not be reached.', retryable: true },
  503: { message: 'fal is busy right now.', retryable: true },
  504: { message: 'The take timed out.', retryable: true },
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** fal's 422 details, as `{ field, message }` for the top-level field each one names. */
function fieldErrorsOf(body: unknown): { field: string; message: string }[] {
  const detail = isRecord(body) ? body.detail : undefined
  if (!Array.isArray(detail)) return []
  return detail.flatMap((entry) => {
    if (!isRecord(entry) || !Array.isArray(entry.loc) || typeof entry.msg !== 'string') return []
    const [where, field] = entry.loc
    if (where !== 'body' || typeof field !== 'string') return []
    return [{ field, message: entry.msg }]
  })
}

/** Turns anything a fal call threw into what the studio shows. */
export function describeFalError(error: unknown): TakeError {
  if (error instanceof ApiError) {
    const body: unknown = error.body
    const fields = error instanceof ValidationError || error.status === 422 ? fieldErrorsOf(body) : []
    if (fields.length > 0) {
      const names = [...new Set(fields.map((entry) => entry.field))].join(', ')
      return { kind: 'validation', message: `The input was refused: check ${names}.`, fields }
    }
    const errorType = isRecord(body) && typeof body.error_type === 'string' ? body.error_type : undefined
    const detail = isRecord(body) && typeof body.detail === 'string' ? body.detail : error.message
    const known = (errorType && REQUEST_ERRORS[errorType]) || BY_STATUS[error.status]
    return {
      kind: 'request',
      message: known?.message ?? `The request failed (HTTP ${error.status}).`,
      detail,
      errorType,
      status: error.status,
      retryable: known?.retryable ?? error.status >= 500,
    }
  }
  if (error instanceof TypeError) {
    return { kind: 'request', message: 'The studio’s server could not be reached.', detail: error.message, retryable: true }
  }
  return { kind: 'request', message: error instanceof Error ? error.message : String(error), retryable: false }
}

/** Statuses of the transport, not of the take: the same call may well succeed a moment later. */
const TRANSIENT_STATUSES = new Set([429, 502, 503, 504])

/** A lost connection or a busy gateway, as opposed to an answer about the take itself. */
export function isTransientFalError(error: unknown): boolean {
  if (error instanceof ApiError) {
    const body: unknown = error.body
    const aboutTheTake = isRecord(body) && typeof body.error_type === 'string'
    return !aboutTheTake && TRANSIENT_STATUSES.has(error.status)
  }
  return error instanceof TypeError
}
