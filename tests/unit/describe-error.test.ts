import { describe, expect, it } from 'vitest'
import { ApiError, ValidationError } from '@fal-ai/client'
import { describeFalError, isTransientFalError } from '@/lib/fal/describe-error'

describe('describeFalError', () => {
  it("puts fal's 422 details on the fields they name", () => {
    const error = new ValidationError({
      message: 'Unprocessable Entity',
      status: 422,
      body: { detail: [{ loc: ['body', 'video_url'], msg: 'Could not download video_url', type: 'file_download_error' }] },
    })
    expect(describeFalError(error)).toEqual({
      kind: 'validation',
      message: 'The input was refused: check video_url.',
      fields: [{ field: 'video_url', message: 'Could not download video_url' }],
    })
  })

  it('explains request errors by error_type and says whether a retry can help', () => {
    const crashed = new ApiError({ message: 'x', status: 500, body: { detail: 'Runner crashed', error_type: 'runner_server_error' } })
    expect(describeFalError(crashed)).toMatchObject({
      kind: 'request',
      message: 'The model crashed while generating this take.',
      detail: 'Runner crashed',
      retryable: true,
    })
    const refused = new ApiError({ message: 'Unauthorized', status: 401, body: { detail: 'bad key' } })
    expect(describeFalError(refused)).toMatchObject({ kind: 'request', retryable: false, status: 401 })
    const cancelled = new ApiError({ message: 'x', status: 499, body: { detail: 'cancelled', error_type: 'client_cancelled' } })
    expect(describeFalError(cancelled)).toMatchObject({ errorType: 'client_cancelled' })
  })

  it('says when the server cannot be reached', () => {
    expect(describeFalError(new TypeError('Failed to fetch'))).toMatchObject({ kind: 'request', retryable: true })
  })
})

describe('isTransientFalError', () => {
  it('is true for lost connections and busy gateways, false for answers about the take', () => {
    expect(isTransientFalError(new TypeError('Failed to fetch'))).toBe(true)
    expect(isTransientFalError(new ApiError({ message: 'x', status: 503, body: {} }))).toBe(true)
    expect(isTransientFalError(new ApiError({ message: 'x', status: 429, body: { detail: 'slow down' } }))).toBe(true)
    expect(isTransientFalError(new ApiError({ message: 'x', status: 500, body: { detail: 'x', error_type: 'runner_server_error' } }))).toBe(false)
    expect(isTransientFalError(new ApiError({ message: 'x', status: 503, body: { detail: 'x', error_type: 'runner_scheduling_failure' } }))).toBe(false)
    expect(isTransientFalError(new ApiError({ message: 'x', status: 422, body: { detail: [] } }))).toBe(false)
  })
})
