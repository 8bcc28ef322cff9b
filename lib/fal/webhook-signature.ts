import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto'

/**
 * fal's webhook signatures: ED25519 over `${requestId}\n${userId}\n${timestamp}\n${sha256hex(body)}`,
 * keys published as a JWKS. Pure (node:crypto only) so both the receiver and the local backend's
 * signer, and unit tests, can load it.
 */

/** The headers fal sends with each webhook POST (lower case, as `Headers` answers them). */
export const WEBHOOK_HEADERS = {
  requestId: 'x-fal-webhook-request-id',
  userId: 'x-fal-webhook-user-id',
  timestamp: 'x-fal-webhook-timestamp',
  signature: 'x-fal-webhook-signature',
} as const

/** A timestamp further than this from now (either way) is refused: it blunts replays. */
export const WEBHOOK_TOLERANCE_SECONDS = 300

/** Where fal publishes its webhook keys now (older documentation names rest.alpha.fal.ai). */
export const FAL_JWKS_URL = 'https://rest.fal.ai/.well-known/jwks.json'

export function sha256Hex(body: Uint8Array | string): string {
  return createHash('sha256').update(body).digest('hex')
}

/** The exact bytes that are signed. `body` must be the raw body as sent, not re-serialized JSON. */
export function webhookMessage(requestId: string, userId: string, timestamp: string, body: Uint8Array | string): Buffer {
  return Buffer.from(`${requestId}\n${userId}\n${timestamp}\n${sha256Hex(body)}`, 'utf8')
}

export type WebhookFailureCode = 'missing-header' | 'bad-timestamp' | 'stale-timestamp' | 'bad-signature' | 'no-keys'

export type WebhookVerification =
  | { ok: true; requestId: string }
  | { ok: false; reason: string; code: WebhookFailureCode }

export interface VerifyFalWebhookInput {
  headers: Headers
  body: Uint8Array | string
  keys: readonly JsonWebKey[]
  nowSeconds?: number
  toleranceSeconds?: number
}

function fail(code: WebhookFailureCode, reason: string): WebhookVerification {
  return { ok: false, code, reason }
}

/** An Ed25519 public key from a JWK, or undefined for anything else (other key types, private parts, junk). */
function publicKeyOf(jwk: JsonWebKey): KeyObject | undefined {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') return undefined
  try {
    // Only the public members: a JWKS that carried `d` by mistake must not make us hold a private key.
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' })
  } catch {
    return undefined
  }
}

/** Checks one webhook POST against a set of public keys (any one may have signed it). */
export function verifyFalWebhook({
  headers,
  body,
  keys,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
}: VerifyFalWebhookInput): WebhookVerification {
  const requestId = headers.get(WEBHOOK_HEADERS.requestId)
  const userId = headers.get(WEBHOOK_HEADERS.userId)
  const timestamp = headers.get(WEBHOOK_HEADERS.timestamp)
  const signature = headers.get(WEBHOOK_HEADERS.signature)
  if (!requestId) return fail('missing-header', 'Missing X-Fal-Webhook-Request-Id header')
  if (!userId) return fail('missing-header', 'Missing X-Fal-Webhook-User-Id header')
  if (!timestamp) return fail('missing-header', 'Missing X-Fal-Webhook-Timestamp header')
  if (!signature) return fail('missing-header', 'Missing X-Fal-Webhook-Signature header')

  if (!/^\d{1,12}$/.test(timestamp)) return fail('bad-timestamp', 'X-Fal-Webhook-Timestamp is not a unix time in seconds')
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) {
    return fail('stale-timestamp', `X-Fal-Webhook-Timestamp is more than ${toleranceSeconds} s from now`)
  }
  if (!/^(?:[0-9a-f]{2})+$/i.test(signature)) return fail('bad-signature', 'X-Fal-Webhook-Signature is not hex')

  const publicKeys = keys.map(publicKeyOf).filter((key): key is KeyObject => key !== undefined)
  if (publicKeys.length === 0) return fail('no-keys', 'No Ed25519 key to verify the webhook with')
  const message = webhookMessage(requestId, userId, timestamp, body)
  const signatureBytes = Buffer.from(signature, 'hex')
  for (const key of publicKeys) {
    try {
      if (verify(null, message, key, signatureBytes)) return { ok: true, requestId }
    } catch {
      // a signature of the wrong length for this key: try the next one
    }
  }
  return fail('bad-signature', 'The webhook signature matches none of the keys')
}

/** Something went wrong getting the keys; the message names the host only, never query strings or bodies. */
export class JwksFetchError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'JwksFetchError'
  }
}

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>

export interface JwksCacheOptions {
  /** How long fetched keys are trusted before they are fetched again. Default 1 h. */
  ttlMs?: number
  /** The least time between two refetches forced by a failed verification, so forged posts cannot make us hammer the JWKS URL. */
  refreshCooldownMs?: number
  /** How long a failed fetch is remembered (answered from memory, not fetched again). Default 30 s. */
  failureTtlMs?: number
  timeoutMs?: number
  now?: () => number
}

interface CachedKeys {
  keys: JsonWebKey[]
  fetchedAt: number
}

function where(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.origin}${parsed.pathname}`
  } catch {
    return 'the JWKS URL'
  }
}

/**
 * A JWKS cache: keys are kept for an hour; when a signature fails against cached keys, the JWKS is
 * fetched once more (fal may have rotated its keys) and the webhook checked again.
 */
export function createJwksCache(fetchImpl: FetchLike = (url, init) => fetch(url, init), options: JwksCacheOptions = {}) {
  const { ttlMs = 60 * 60_000, refreshCooldownMs = 30_000, failureTtlMs = 30_000, timeoutMs = 10_000, now = Date.now } = options
  const cache = new Map<string, CachedKeys>()
  const inFlight = new Map<string, Promise<JsonWebKey[]>>()
  const lastForcedRefresh = new Map<string, number>()
  const lastFailure = new Map<string, { error: JwksFetchError; at: number }>()

  async function fetchKeys(url: string): Promise<JsonWebKey[]> {
    let response: Response
    try {
      response = await fetchImpl(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs), cache: 'no-store' })
    } catch {
      throw new JwksFetchError(`Could not reach ${where(url)} for the webhook keys`)
    }
    if (!response.ok) throw new JwksFetchError(`${where(url)} answered HTTP ${response.status} for the webhook keys`)
    let body: unknown
    try {
      body = await response.json()
    } catch {
      throw new JwksFetchError(`${where(url)} did not answer a JSON key set`)
    }
    const listed = typeof body === 'object' && body !== null && 'keys' in body && Array.isArray(body.keys) ? (body.keys as unknown[]) : undefined
    if (!listed) throw new JwksFetchError(`${where(url)} did not answer a JSON key set`)
    // Keep public Ed25519 members only.
    const keys = listed.flatMap((key): JsonWebKey[] => {
      if (typeof key !== 'object' || key === null) return []
      const { kty, crv, x, kid } = key as Record<string, unknown>
      if (kty !== 'OKP' || crv !== 'Ed25519' || typeof x !== 'string') return []
      return [{ kty, crv, x, ...(typeof kid === 'string' ? { kid } : {}) }]
    })
    cache.set(url, { keys, fetchedAt: now() })
    return keys
  }

  /**
   * One fetch at a time per URL; a failed refetch leaves the previous keys in place, and is
   * remembered for failureTtlMs: webhooks arriving meanwhile get the same failure without a fetch
   * (so a JWKS URL that is down, or forged posts, cannot make every request refetch).
   */
  function refresh(url: string): Promise<JsonWebKey[]> {
    const failed = lastFailure.get(url)
    if (failed && now() - failed.at < failureTtlMs) return Promise.reject(failed.error)
    let pending = inFlight.get(url)
    if (!pending) {
      pending = fetchKeys(url)
        .then(
          (keys) => {
            lastFailure.delete(url)
            return keys
          },
          (error: unknown) => {
            const reported = error instanceof JwksFetchError ? error : new JwksFetchError(`Could not read the webhook keys from ${where(url)}`)
            lastFailure.set(url, { error: reported, at: now() })
            throw reported
          },
        )
        .finally(() => inFlight.delete(url))
      inFlight.set(url, pending)
    }
    return pending
  }

  async function getKeys(url: string): Promise<JsonWebKey[]> {
    const cached = cache.get(url)
    if (cached && now() - cached.fetchedAt < ttlMs) return cached.keys
    try {
      return await refresh(url)
    } catch (error) {
      if (cached) return cached.keys // stale keys beat none while the JWKS URL is down
      throw error
    }
  }

  /** Verifies with the cached keys, and once more with freshly fetched keys if those did not match. */
  async function verifyWebhook(url: string, input: Omit<VerifyFalWebhookInput, 'keys'>): Promise<WebhookVerification> {
    const before = cache.get(url)
    const keys = await getKeys(url)
    const result = verifyFalWebhook({ ...input, keys })
    const keyProblem = !result.ok && (result.code === 'bad-signature' || result.code === 'no-keys')
    const fromCache = before !== undefined && cache.get(url) === before
    if (!keyProblem || !fromCache) return result
    const last = lastForcedRefresh.get(url)
    if (last !== undefined && now() - last < refreshCooldownMs) return result
    lastForcedRefresh.set(url, now())
    let fresh: JsonWebKey[]
    try {
      fresh = await refresh(url)
    } catch {
      return result
    }
    return verifyFalWebhook({ ...input, keys: fresh })
  }

  return { getKeys, verify: verifyWebhook }
}

export type JwksCache = ReturnType<typeof createJwksCache>
