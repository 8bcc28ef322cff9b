import 'server-only'
import { settingsOf } from '@/lib/settings'
import { ApiError } from '@fal-ai/client'
import { backendMode, localBackendBase } from '@/lib/fal/backend'
import { describeFalError } from '@/lib/fal/describe-error'
import { jsonResponse } from '@/lib/fal/errors'
import { JwksFetchError, createJwksCache, type JwksCache } from '@/lib/fal/webhook-signature'
import { JWKS_PATH } from '@/lib/fal/local-simulator'
import type { JsonValue } from '@/lib/schema'
import { settleTakeByRequestId, type TakeOutcome } from './settle-take'
import { readCappedBody } from '@/lib/http/read-body'
import { parseExactJson } from '@/lib/json/exact-json'

/** Outputs are URLs, but `sync_mode` puts whole videos in the body as data URIs. */
export const MAX_WEBHOOK_BYTES = 64 * 1024 * 1024

/** Where the keys that sign webhooks are published: the local backend's own, or fal's. */
export function webhookJwksUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (backendMode(env) === 'local') return `${localBackendBase(env)}${JWKS_PATH}`
  return settingsOf(env).falWebhookJwksUrl
}

/** A webhook body as fal sends it, checked only as far as the studio relies on it. */
export interface FalWebhook {
  request_id: string
  status: 'OK' | 'ERROR'
  payload: JsonValue
  error?: string | null
  payload_error?: string | null
}

function isRecord(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The parsed body, or undefined when it is not JSON of fal's webhook shape. */
export function parseFalWebhook(raw: Uint8Array): FalWebhook | undefined {
  let body: unknown
  try {
    // Exact: fal's 64-bit seed in the payload keeps its digits.
    body = parseExactJson(new TextDecoder('utf-8', { fatal: true }).decode(raw))
  } catch {
    return undefined
  }
  if (!isRecord(body) || typeof body.request_id !== 'string' || (body.status !== 'OK' && body.status !== 'ERROR')) return undefined
  const { error, payload_error: payloadError } = body
  return {
    request_id: body.request_id,
    status: body.status,
    payload: body.payload ?? null,
    error: typeof error === 'string' ? error : null,
    payload_error: typeof payloadError === 'string' ? payloadError : null,
  }
}

/** The HTTP status fal's result call would have answered, for `describeFalError`. */
function errorStatusOf(webhook: FalWebhook): number {
  const payload = isRecord(webhook.payload) ? webhook.payload : {}
  if (Array.isArray(payload.detail)) return 422
  if (payload.error_type === 'client_cancelled') return 499
  const stated = /Invalid status code: (\d{3})\b/.exec(webhook.error ?? '')
  return stated ? Number(stated[1]) : 500
}

/** How the take ended, in the same terms as the result call gives. */
export function outcomeOfWebhook(webhook: FalWebhook): TakeOutcome {
  if (webhook.status === 'OK' && isRecord(webhook.payload)) return { ok: true, output: webhook.payload }
  if (webhook.status === 'OK') {
    // fal sends `payload: null` with `payload_error` when it could not serialize the output.
    const message = webhook.payload_error ?? 'fal sent no output for this take.'
    return { ok: false, error: describeFalError(new ApiError({ message, status: 500, body: { detail: message } })) }
  }
  const message = webhook.error ?? 'The request failed.'
  return { ok: false, error: describeFalError(new ApiError({ message, status: errorStatusOf(webhook), body: webhook.payload })) }
}

const defaultKeys = createJwksCache()

export interface WebhookDeps {
  settle?: typeof settleTakeByRequestId
  keys?: JwksCache
  jwksUrl?: string
  nowSeconds?: number
  maxBytes?: number
}

/** POST /api/fal/webhook: a signed message from fal (or the local backend) that a take has ended. */
export async function handleFalWebhook(request: Request, deps: WebhookDeps = {}): Promise<Response> {
  const { settle = settleTakeByRequestId, keys = defaultKeys, jwksUrl = webhookJwksUrl(), nowSeconds, maxBytes = MAX_WEBHOOK_BYTES } = deps
  // The raw body, byte for byte: the signature covers its hash.
  const raw = await readCappedBody(request, maxBytes)
  if (!raw) return jsonResponse({ detail: 'The webhook body is too large.' }, { status: 413 })

  let verified
  try {
    verified = await keys.verify(jwksUrl, { headers: request.headers, body: raw, nowSeconds })
  } catch (error) {
    // Not the sender's fault: 503 makes fal try again later.
    const detail = error instanceof JwksFetchError ? error.message : 'The webhook keys could not be read.'
    return jsonResponse({ detail }, { status: 503 })
  }
  if (!verified.ok) return jsonResponse({ detail: verified.reason }, { status: 401 })

  const webhook = parseFalWebhook(raw)
  if (!webhook) return jsonResponse({ detail: 'The webhook body is not a fal webhook.' }, { status: 400 })
  if (webhook.request_id !== verified.requestId) {
    return jsonResponse({ detail: 'request_id does not match X-Fal-Webhook-Request-Id.' }, { status: 400 })
  }

  let result: Awaited<ReturnType<typeof settleTakeByRequestId>>
  try {
    result = await settle(verified.requestId, outcomeOfWebhook(webhook))
  } catch (error) {
    console.error(`[takes] webhook for ${verified.requestId} could not be recorded:`, error instanceof Error ? error.message : error)
    return jsonResponse({ detail: 'The take could not be recorded; try again.' }, { status: 500 })
  }
  // 404 for an unknown request: fal retries for two hours, and the submit can finish before the
  // proxy has written the take's request id (a fast failure, a slow database), so a later retry
  // finds it; a request that is truly not ours costs only those retries.
  if (result === 'unknown') return jsonResponse({ detail: 'No take has this request id.' }, { status: 404 })
  return jsonResponse({ ok: true, result })
}
