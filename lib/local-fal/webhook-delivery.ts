import { WEBHOOK_HEADERS } from '@/lib/fal/webhook-signature'
import type { JsonValue } from '@/lib/schema'
import { stringifyExactJson, type IntegerPathTest } from '@/lib/json/exact-json'
import type { LocalRequest, RequestFailure } from './types'
import type { WebhookSigner } from './webhook-signer'

/** The user id the local backend signs with (fal signs with the key owner's id). */
export const LOCAL_WEBHOOK_USER_ID = 'local-simulator'

/**
 * Waits between attempts, as fal retries a webhook: 10 retries over about two hours (15 s doubling,
 * at most 30 min apart). TAKES_LOCAL_WEBHOOK_RETRY_MS shortens them for tests.
 */
export const DEFAULT_RETRY_DELAYS_MS = [15_000, 30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000, 1_800_000, 1_800_000]

/** What fal puts in `payload_error` when it could not put the output in the webhook (its docs' example). */
export const PAYLOAD_ERROR =
  'Response payload is not JSON serializable. Either return a JSON serializable object or use the queue endpoint to retrieve the response.'

/** What fal POSTs to `fal_webhook` when a request ends. */
export type FalWebhookBody =
  | { request_id: string; gateway_request_id: string; status: 'OK'; payload: { [key: string]: JsonValue } }
  /** fal could not put the output in the body: the result call still answers it. */
  | { request_id: string; gateway_request_id: string; status: 'OK'; payload: null; payload_error: string }
  | { request_id: string; gateway_request_id: string; status: 'ERROR'; error: string; payload: JsonValue }

/** The error body the result route answers for a failure: the same goes into the webhook's payload. */
export function failureBody(failure: RequestFailure): { [key: string]: JsonValue } {
  if (failure.kind === 'validation') return { detail: failure.detail.map(({ loc, msg, type }) => ({ loc: [...loc], msg, type })) }
  return { detail: failure.detail, error_type: failure.errorType }
}

/** The webhook body for a finished request; with `payloadError`, a success's output is left out as fal leaves out one it could not serialize. */
export function webhookBodyOf(request: LocalRequest, options: { payloadError?: boolean } = {}): FalWebhookBody {
  const ids = { request_id: request.id, gateway_request_id: request.id }
  if (!request.failure && options.payloadError) return { ...ids, status: 'OK', payload: null, payload_error: PAYLOAD_ERROR }
  if (!request.failure) return { ...ids, status: 'OK', payload: request.output ?? {} }
  return { ...ids, status: 'ERROR', error: `Invalid status code: ${request.failure.status}`, payload: failureBody(request.failure) }
}

export interface DeliverWebhookOptions {
  url: string
  requestId: string
  body: FalWebhookBody
  /** Where the body holds integers (the output's seed): written as raw JSON numbers, as fal writes them. */
  integerPaths?: IntegerPathTest
  signer: WebhookSigner
  userId?: string
  fetchImpl?: (url: string, init: RequestInit) => Promise<Response>
  retryDelaysMs?: readonly number[]
  timeoutMs?: number
}

export interface DeliveryReport {
  delivered: boolean
  attempts: number
  /** The last HTTP status answered, if any. */
  status?: number
  /** The last network error, if any. */
  error?: string
}

// Unref'd: a webhook still owed never holds a process open (it is sent again after a restart).
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref())

/**
 * POSTs a signed webhook as fal does: the same body bytes on every attempt, signed afresh with the
 * current timestamp each time; any non-2xx answer or network error is retried after the next delay.
 * Never throws.
 */
export async function deliverWebhook({
  url,
  requestId,
  body,
  integerPaths,
  signer,
  userId = LOCAL_WEBHOOK_USER_ID,
  fetchImpl = (target, init) => fetch(target, init),
  retryDelaysMs = DEFAULT_RETRY_DELAYS_MS,
  timeoutMs = 15_000,
}: DeliverWebhookOptions): Promise<DeliveryReport> {
  const raw = Buffer.from(stringifyExactJson(body, integerPaths), 'utf8')
  const report: DeliveryReport = { delivered: false, attempts: 0 }
  for (let attempt = 0; attempt <= retryDelaysMs.length; attempt++) {
    if (attempt > 0) await sleep(retryDelaysMs[attempt - 1] ?? 0)
    report.attempts = attempt + 1
    try {
      const timestamp = String(Math.floor(Date.now() / 1000))
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [WEBHOOK_HEADERS.requestId]: requestId,
          [WEBHOOK_HEADERS.userId]: userId,
          [WEBHOOK_HEADERS.timestamp]: timestamp,
          [WEBHOOK_HEADERS.signature]: signer.sign(requestId, userId, timestamp, raw),
        },
        body: raw,
        signal: AbortSignal.timeout(timeoutMs),
      })
      report.status = response.status
      report.error = undefined
      await response.body?.cancel().catch(() => {})
      if (response.ok) return { ...report, delivered: true }
    } catch (error) {
      report.status = undefined
      report.error = error instanceof Error ? error.message : String(error)
    }
  }
  return report
}
