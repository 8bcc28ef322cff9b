/**
 * The one shape of the studio's API errors: `{ detail, error_type }`, plus `field` when one input
 * field is at fault (the forms mark it). fal's 422 validation shape (`detail` as a list) is answered
 * only by the fal proxy, where fal's client reads it.
 */
export interface ApiErrorBody {
  detail: string
  error_type: string
  field?: string
}

const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request',
  401: 'sign_in_required',
  402: 'budget_exceeded',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'body_too_large',
  415: 'unsupported_media_type',
  429: 'studio_rate_limited',
  500: 'internal_error',
  503: 'unavailable',
}

export interface ApiErrorOptions {
  /** Defaults by status (404 → `not_found`…). */
  errorType?: string
  headers?: HeadersInit
  field?: string
}

/** An API error a route answers, or throws for its wrapper (lib/http/route) to answer. */
export class ApiError extends Error {
  readonly errorType: string
  readonly headers: HeadersInit | undefined
  readonly field: string | undefined

  constructor(
    readonly status: number,
    readonly detail: string,
    options: ApiErrorOptions = {},
  ) {
    super(detail)
    this.name = 'ApiError'
    this.errorType = options.errorType ?? ERROR_TYPES[status] ?? 'error'
    this.headers = options.headers
    this.field = options.field
  }

  get body(): ApiErrorBody {
    return { detail: this.detail, error_type: this.errorType, ...(this.field === undefined ? {} : { field: this.field }) }
  }

  toResponse(): Response {
    return Response.json(this.body, { status: this.status, headers: this.headers })
  }
}

export function apiError(status: number, detail: string, errorType?: string, headers?: HeadersInit): Response {
  return new ApiError(status, detail, { errorType, headers }).toResponse()
}

export const signInRequired = () => new ApiError(401, 'Sign in first.', { errorType: 'sign_in_required' })

export const crossSiteRefused = () => new ApiError(403, 'Requests from another site are refused.', { errorType: 'cross_site_refused' })

/** A check's refusal (`{ status, problem: { detail, field? } }`, as the preset and sweep checks answer) as an ApiError. */
export function refusalOf({ status, problem }: { status: number; problem: { detail: string; field?: string } }): ApiError {
  return new ApiError(status, problem.detail, { field: problem.field })
}
