import type { z } from 'zod'

/** One entry of fal's 422 body: `{ detail: [{ loc: ["body", field], msg, type }] }`. */
export interface ValidationDetail {
  loc: (string | number)[]
  msg: string
  type: string
}

const TYPE_BY_CODE: Record<string, string> = {
  invalid_type: 'type_error',
  too_small: 'value_error.number.not_ge',
  too_big: 'value_error.number.not_le',
  invalid_value: 'value_error.const',
  invalid_union: 'value_error',
  unrecognized_keys: 'value_error.extra',
  invalid_format: 'value_error.str.regex',
}

/** zod issues in fal's validation-error shape. */
export function validationDetails(issues: readonly z.core.$ZodIssue[]): ValidationDetail[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ loc: ['body', key], msg: `Unknown field: ${key}`, type: 'value_error.extra' }))
    }
    return [
      {
        loc: ['body', ...issue.path.map((part) => (typeof part === 'number' ? part : String(part)))],
        msg: issue.message,
        type: TYPE_BY_CODE[issue.code] ?? 'value_error',
      },
    ]
  })
}

/** A request/infrastructure error as fal sends it: body, status, and the `X-Fal-*` headers. */
export interface RequestError {
  status: number
  detail: string
  errorType: string
  retryable: boolean
}

export function jsonResponse(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers)
  headers.set('content-type', 'application/json')
  return new Response(JSON.stringify(body), { ...init, headers })
}

export function validationErrorResponse(detail: ValidationDetail[]): Response {
  return jsonResponse({ detail }, { status: 422 })
}

export function requestErrorResponse(error: RequestError, headers: HeadersInit = {}): Response {
  const out = new Headers(headers)
  out.set('x-fal-error-type', error.errorType)
  out.set('x-fal-retryable', String(error.retryable))
  return jsonResponse({ detail: error.detail, error_type: error.errorType }, { status: error.status, headers: out })
}
