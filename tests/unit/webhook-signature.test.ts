import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { catalog } from '@/lib/endpoints'
import { FAL_JWKS_URL, WEBHOOK_HEADERS, createJwksCache, verifyFalWebhook, webhookMessage, type FetchLike } from '@/lib/fal/webhook-signature'
import { LocalFalEngine } from '@/lib/local-fal/engine'
import { handleLocalFal } from '@/lib/local-fal/http'
import type { LocalRequest } from '@/lib/local-fal/types'
import { LOCAL_WEBHOOK_USER_ID, deliverWebhook, webhookBodyOf} from '@/lib/local-fal/webhook-delivery'
import { WEBHOOK_KEY_FILE, loadWebhookSigner, type WebhookSigner } from '@/lib/local-fal/webhook-signer'

// The settling code needs a database; the handler is tested here with `settle` injected instead.
vi.mock('@/lib/takes/settle-take', () => ({ settleTakeByRequestId: vi.fn(async () => 'unknown') }))
const { handleFalWebhook, outcomeOfWebhook, parseFalWebhook } = await import('@/lib/takes/webhook')

let dir: string
let signer: WebhookSigner
let otherSigner: WebhookSigner

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'takes-webhook-'))
  signer = await loadWebhookSigner(path.join(dir, 'a'))
  otherSigner = await loadWebhookSigner(path.join(dir, 'b'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const NOW = 1_760_000_000

/** The headers fal would send for `body`, signed by `by` at `timestamp`. */
function signedHeaders(body: string, by: WebhookSigner, { requestId = 'req-1', timestamp = NOW } = {}) {
  const ts = String(timestamp)
  return new Headers({
    [WEBHOOK_HEADERS.requestId]: requestId,
    [WEBHOOK_HEADERS.userId]: LOCAL_WEBHOOK_USER_ID,
    [WEBHOOK_HEADERS.timestamp]: ts,
    [WEBHOOK_HEADERS.signature]: by.sign(requestId, LOCAL_WEBHOOK_USER_ID, ts, body),
  })
}

const BODY = JSON.stringify({ request_id: 'req-1', gateway_request_id: 'req-1', status: 'OK', payload: { video: { url: 'https://x/v.mp4' } } })

describe('verifyFalWebhook', () => {
  it('signs the documented message', () => {
    expect(webhookMessage('r', 'u', '1', 'abc').toString('utf8')).toBe(
      'r\nu\n1\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
  })

  it('accepts a webhook signed by a key of the set, with the body as a string or as bytes', () => {
    const headers = signedHeaders(BODY, signer)
    const keys = [...otherSigner.jwks().keys, ...signer.jwks().keys]
    expect(verifyFalWebhook({ headers, body: BODY, keys, nowSeconds: NOW })).toEqual({ ok: true, requestId: 'req-1' })
    expect(verifyFalWebhook({ headers, body: new TextEncoder().encode(BODY), keys, nowSeconds: NOW }).ok).toBe(true)
  })

  it('accepts a body signed as fal documents it (independently of the studio’s signer) and refuses every altered field', () => {
    // fal's documentation: ED25519 over request id, user id, timestamp and hex(sha256(raw body)), one per
    // line; the signature in hex; the public keys as a JWKS of OKP/Ed25519 keys.
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    const keys = [publicKey.export({ format: 'jwk' })]
    const requestId = 'fal-req-7f3a'
    const userId = 'user-42'
    const timestamp = String(NOW)
    const body = JSON.stringify({
      request_id: requestId,
      gateway_request_id: 'gw-9',
      status: 'OK',
      payload: { video: { url: 'https://v3.fal.media/files/x/out.mp4' }, seed: 1490631192028410600 },
      error: null,
      payload_error: null,
    })
    const digest = createHash('sha256').update(body).digest('hex')
    const signature = sign(null, Buffer.from(`${requestId}\n${userId}\n${timestamp}\n${digest}`), privateKey).toString('hex')
    const headers = (change: Partial<Record<keyof typeof WEBHOOK_HEADERS, string>> = {}) =>
      new Headers({
        [WEBHOOK_HEADERS.requestId]: change.requestId ?? requestId,
        [WEBHOOK_HEADERS.userId]: change.userId ?? userId,
        [WEBHOOK_HEADERS.timestamp]: change.timestamp ?? timestamp,
        [WEBHOOK_HEADERS.signature]: change.signature ?? signature,
      })
    expect(verifyFalWebhook({ headers: headers(), body, keys, nowSeconds: NOW })).toEqual({ ok: true, requestId })

    const flipped = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`
    const alteredHeaders = { requestId: 'fal-req-7f3b', userId: 'user-43', timestamp: String(NOW + 1), signature: flipped }
    for (const [name, value] of Object.entries(alteredHeaders)) {
      expect(verifyFalWebhook({ headers: headers({ [name]: value }), body, keys, nowSeconds: NOW }), `altered ${name}`).toMatchObject({ ok: false })
    }
    const parsed = JSON.parse(body) as Record<string, unknown>
    const alteredFields: Record<string, unknown> = {
      request_id: 'fal-req-other',
      gateway_request_id: 'gw-10',
      status: 'ERROR',
      payload: { video: { url: 'https://evil.example/out.mp4' }, seed: 1490631192028410600 },
      error: 'Injected',
      payload_error: 'Injected',
    }
    for (const [field, value] of Object.entries(alteredFields)) {
      const altered = JSON.stringify({ ...parsed, [field]: value })
      expect(verifyFalWebhook({ headers: headers(), body: altered, keys, nowSeconds: NOW }), `altered ${field}`).toMatchObject({ ok: false, code: 'bad-signature' })
    }
    // The same JSON, re-serialized with other spacing, is not the body that was signed either.
    expect(verifyFalWebhook({ headers: headers(), body: JSON.stringify(parsed, null, 1), keys, nowSeconds: NOW }).ok).toBe(false)
  })

  it('reads fal’s keys from the address fal publishes them at now', () => {
    expect(FAL_JWKS_URL).toBe('https://rest.fal.ai/.well-known/jwks.json')
  })

  it('refuses a tampered body', () => {
    const headers = signedHeaders(BODY, signer)
    const tampered = BODY.replace('v.mp4', 'w.mp4')
    expect(verifyFalWebhook({ headers, body: tampered, keys: signer.jwks().keys, nowSeconds: NOW })).toMatchObject({ ok: false, code: 'bad-signature' })
    // Re-serializing the JSON changes the bytes, and so the hash: the raw body must be used.
    const reserialized = JSON.stringify(JSON.parse(BODY), null, 1)
    expect(verifyFalWebhook({ headers, body: reserialized, keys: signer.jwks().keys, nowSeconds: NOW }).ok).toBe(false)
  })

  it('refuses a signature made with another key, and a signed header changed after signing', () => {
    const headers = signedHeaders(BODY, otherSigner)
    expect(verifyFalWebhook({ headers, body: BODY, keys: signer.jwks().keys, nowSeconds: NOW })).toMatchObject({ ok: false, code: 'bad-signature' })
    const moved = signedHeaders(BODY, signer)
    moved.set(WEBHOOK_HEADERS.requestId, 'req-2')
    expect(verifyFalWebhook({ headers: moved, body: BODY, keys: signer.jwks().keys, nowSeconds: NOW })).toMatchObject({ ok: false, code: 'bad-signature' })
  })

  it('refuses stale and future timestamps beyond the tolerance, and accepts those within it', () => {
    const keys = signer.jwks().keys
    const at = (timestamp: number) => verifyFalWebhook({ headers: signedHeaders(BODY, signer, { timestamp }), body: BODY, keys, nowSeconds: NOW })
    expect(at(NOW - 301)).toMatchObject({ ok: false, code: 'stale-timestamp' })
    expect(at(NOW + 301)).toMatchObject({ ok: false, code: 'stale-timestamp' })
    expect(at(NOW - 300).ok).toBe(true)
    expect(at(NOW + 300).ok).toBe(true)
    const custom = verifyFalWebhook({ headers: signedHeaders(BODY, signer, { timestamp: NOW - 20 }), body: BODY, keys, nowSeconds: NOW, toleranceSeconds: 10 })
    expect(custom).toMatchObject({ ok: false, code: 'stale-timestamp' })
  })

  it('refuses a webhook missing any of the four headers, or with malformed ones', () => {
    for (const name of Object.values(WEBHOOK_HEADERS)) {
      const headers = signedHeaders(BODY, signer)
      headers.delete(name)
      const result = verifyFalWebhook({ headers, body: BODY, keys: signer.jwks().keys, nowSeconds: NOW })
      expect(result).toMatchObject({ ok: false, code: 'missing-header' })
      expect(result.ok || result.reason.toLowerCase()).toContain(name)
    }
    const badTime = signedHeaders(BODY, signer)
    badTime.set(WEBHOOK_HEADERS.timestamp, '17e8')
    expect(verifyFalWebhook({ headers: badTime, body: BODY, keys: signer.jwks().keys, nowSeconds: NOW })).toMatchObject({ code: 'bad-timestamp' })
    const badHex = signedHeaders(BODY, signer)
    badHex.set(WEBHOOK_HEADERS.signature, 'zz')
    expect(verifyFalWebhook({ headers: badHex, body: BODY, keys: signer.jwks().keys, nowSeconds: NOW })).toMatchObject({ code: 'bad-signature' })
    const short = signedHeaders(BODY, signer)
    short.set(WEBHOOK_HEADERS.signature, 'abcd')
    expect(verifyFalWebhook({ headers: short, body: BODY, keys: signer.jwks().keys, nowSeconds: NOW })).toMatchObject({ code: 'bad-signature' })
  })

  it('refuses when no usable Ed25519 key is given', () => {
    const headers = signedHeaders(BODY, signer)
    const junk = [{ kty: 'RSA', n: 'x', e: 'AQAB' }, { kty: 'OKP', crv: 'Ed25519', x: 'not-a-key' }]
    expect(verifyFalWebhook({ headers, body: BODY, keys: junk, nowSeconds: NOW })).toMatchObject({ ok: false, code: 'no-keys' })
  })
})

describe('the local backend signer', () => {
  it('keeps its key in the data dir (mode 0600) and signs with the same key after a restart', async () => {
    const again = await loadWebhookSigner(path.join(dir, 'a'))
    expect(again.kid).toBe(signer.kid)
    expect(again.jwks()).toEqual(signer.jwks())
    expect((await stat(path.join(dir, 'a', WEBHOOK_KEY_FILE))).mode & 0o777).toBe(0o600)
    expect(otherSigner.kid).not.toBe(signer.kid)
  })

  it('publishes public members only', () => {
    const [key] = signer.jwks().keys
    expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: signer.kid })
    expect(key).not.toHaveProperty('d')
  })

  it('agrees on one key when two loads race on an empty dir', async () => {
    const fresh = path.join(dir, 'race')
    const [one, two] = await Promise.all([loadWebhookSigner(fresh), loadWebhookSigner(fresh)])
    expect(one.kid).toBe(two.kid)
  })
})

describe('createJwksCache', () => {
  const URL_ = 'https://keys.example/.well-known/jwks.json?token=secret'

  function fakeFetch(sets: WebhookSigner[][]) {
    const calls: string[] = []
    let served = 0
    const fetchImpl: FetchLike = async (url) => {
      calls.push(url)
      const set = sets[Math.min(served++, sets.length - 1)]!
      return Response.json({ keys: set.flatMap((s) => s.jwks().keys) })
    }
    return { fetchImpl, calls }
  }

  it('caches the keys for an hour, then fetches them again', async () => {
    let clock = 0
    const { fetchImpl, calls } = fakeFetch([[signer]])
    const cache = createJwksCache(fetchImpl, { now: () => clock })
    await cache.getKeys(URL_)
    clock = 59 * 60_000
    await cache.getKeys(URL_)
    expect(calls).toHaveLength(1)
    clock = 61 * 60_000
    await cache.getKeys(URL_)
    expect(calls).toHaveLength(2)
  })

  it('refetches once when the cached keys do not match (key rotation), then verifies', async () => {
    const { fetchImpl, calls } = fakeFetch([[signer], [otherSigner]])
    const cache = createJwksCache(fetchImpl)
    const first = signedHeaders(BODY, signer)
    expect(await cache.verify(URL_, { headers: first, body: BODY, nowSeconds: NOW })).toEqual({ ok: true, requestId: 'req-1' })
    // fal rotates its key: the next webhook is signed with a key the cache has not seen.
    const rotated = signedHeaders(BODY, otherSigner)
    expect(await cache.verify(URL_, { headers: rotated, body: BODY, nowSeconds: NOW })).toEqual({ ok: true, requestId: 'req-1' })
    expect(calls).toHaveLength(2)
    expect(await cache.verify(URL_, { headers: rotated, body: BODY, nowSeconds: NOW })).toMatchObject({ ok: true })
    expect(calls).toHaveLength(2)
  })

  it('does not let forged posts make it refetch more than once per cooldown, nor refetch for stale timestamps', async () => {
    let clock = 0
    const { fetchImpl, calls } = fakeFetch([[signer]])
    const cache = createJwksCache(fetchImpl, { now: () => clock, refreshCooldownMs: 30_000 })
    const forged = signedHeaders(BODY, otherSigner)
    const stale = signedHeaders(BODY, signer, { timestamp: NOW - 3600 })
    expect(await cache.verify(URL_, { headers: stale, body: BODY, nowSeconds: NOW })).toMatchObject({ code: 'stale-timestamp' })
    expect(calls).toHaveLength(1)
    for (let i = 0; i < 5; i++) expect(await cache.verify(URL_, { headers: forged, body: BODY, nowSeconds: NOW })).toMatchObject({ ok: false, code: 'bad-signature' })
    expect(calls).toHaveLength(2)
    clock = 31_000
    await cache.verify(URL_, { headers: forged, body: BODY, nowSeconds: NOW })
    expect(calls).toHaveLength(3)
  })

  it('throws without the query string when the JWKS cannot be fetched, and keeps stale keys when a refetch fails', async () => {
    const down = createJwksCache(async () => new Response('nope', { status: 503 }))
    await expect(down.getKeys(URL_)).rejects.toThrow(/HTTP 503/)
    await expect(down.getKeys(URL_)).rejects.not.toThrow(/secret/)
    const unreachable = createJwksCache(async () => {
      throw new TypeError('connect ECONNREFUSED token=secret')
    })
    await expect(unreachable.getKeys(URL_)).rejects.toThrow(/Could not reach https:\/\/keys\.example/)
    await expect(unreachable.getKeys(URL_)).rejects.not.toThrow(/secret/)

    let clock = 0
    let up = true
    const flaky = createJwksCache(
      async () => (up ? Response.json(signer.jwks()) : new Response('down', { status: 500 })),
      { now: () => clock },
    )
    await flaky.getKeys(URL_)
    up = false
    clock = 2 * 60 * 60_000
    expect(await flaky.getKeys(URL_)).toEqual([expect.objectContaining({ x: signer.jwks().keys[0]!.x })])
  })

  it('drops private members and non-Ed25519 keys from a fetched set', async () => {
    const cache = createJwksCache(async () => Response.json({ keys: [{ ...signer.jwks().keys[0], d: 'private!' }, { kty: 'RSA', n: 'x', e: 'AQAB' }] }))
    const keys = await cache.getKeys(URL_)
    expect(keys).toHaveLength(1)
    expect(keys[0]).not.toHaveProperty('d')
  })
})

/** A tiny webhook receiver: records each POST's raw body and headers, answering the next status of `statuses`. */
async function receiver(statuses: number[] = []) {
  const received: { headers: IncomingHttpHeaders; body: Buffer }[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) })
      res.statusCode = statuses.shift() ?? 200
      res.end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/api/fal/webhook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

function headersOf(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming)) if (typeof value === 'string') headers.set(name, value)
  return headers
}

describe('webhook delivery', () => {
  const request = (patch: Partial<LocalRequest>): LocalRequest => ({
    id: 'req-9',
    endpointId: 'fal-ai/ltx-2/image-to-video',
    input: {},
    origin: 'http://127.0.0.1:3000',
    sequence: 1,
    status: 'COMPLETED',
    submittedAt: new Date().toISOString(),
    logs: [],
    attempts: 1,
    ...patch,
  })

  it('builds the body fal sends: OK with the output, ERROR with the result route’s error body', () => {
    expect(webhookBodyOf(request({ output: { video: { url: 'u' } } }))).toEqual({
      request_id: 'req-9',
      gateway_request_id: 'req-9',
      status: 'OK',
      payload: { video: { url: 'u' } },
    })
    const detail = [{ loc: ['body', 'image_url'], msg: 'Could not download', type: 'file_download_error' }]
    expect(webhookBodyOf(request({ failure: { kind: 'validation', status: 422, detail } }))).toMatchObject({
      status: 'ERROR',
      error: 'Invalid status code: 422',
      payload: { detail },
    })
    const crashed = webhookBodyOf(request({ failure: { kind: 'request', status: 500, detail: 'boom', errorType: 'runner_server_error', retryable: true } }))
    expect(crashed).toMatchObject({ status: 'ERROR', error: 'Invalid status code: 500', payload: { detail: 'boom', error_type: 'runner_server_error' } })
  })

  it('POSTs a webhook that verifies with the signer’s JWKS, retrying until it is taken', async () => {
    const server = await receiver([500, 503])
    try {
      const body = webhookBodyOf(request({ output: { video: { url: 'https://x/ü.mp4' } } }))
      const report = await deliverWebhook({ url: server.url, requestId: 'req-9', body, signer, retryDelaysMs: [10, 10, 10] })
      expect(report).toMatchObject({ delivered: true, attempts: 3, status: 200 })
      expect(server.received).toHaveLength(3)
      for (const { headers, body: raw } of server.received) {
        expect(headers[WEBHOOK_HEADERS.userId]).toBe('local-simulator')
        expect(verifyFalWebhook({ headers: headersOf(headers), body: raw, keys: signer.jwks().keys })).toEqual({ ok: true, requestId: 'req-9' })
        expect(JSON.parse(raw.toString('utf8'))).toEqual(body)
      }
    } finally {
      await server.close()
    }
  })

  it('gives up after the last attempt without throwing, on errors and on a dead address', async () => {
    const server = await receiver([500, 500, 500])
    try {
      const body = webhookBodyOf(request({ output: {} }))
      expect(await deliverWebhook({ url: server.url, requestId: 'req-9', body, signer, retryDelaysMs: [5, 5] })).toMatchObject({ delivered: false, attempts: 3, status: 500 })
    } finally {
      await server.close()
    }
    const dead = await deliverWebhook({ url: server.url, requestId: 'req-9', body: webhookBodyOf(request({})), signer, retryDelaysMs: [5] })
    expect(dead).toMatchObject({ delivered: false, attempts: 2 })
    expect(dead.error).toBeTruthy()
  })

  it('the engine sends a signed ERROR webhook when a request fails, and serves the matching JWKS', async () => {
    const server = await receiver()
    const dataDir = path.join(dir, 'engine')
    const engine = new LocalFalEngine({ dataDir, concurrency: 1, minRenderMs: 0, controlEnabled: false }, catalog)
    try {
      await engine.init()
      engine.faults.failNextRuns = 1
      const endpoint = catalog.find('fal-ai/ltx-2/image-to-video')!
      const submitted = await engine.submit(endpoint, { prompt: 'x', image_url: 'https://x/i.png' }, 'http://127.0.0.1', server.url)
      await vi.waitFor(() => expect(server.received).toHaveLength(1), { timeout: 5000 })
      const [{ headers, body }] = server.received as [{ headers: IncomingHttpHeaders; body: Buffer }]
      const jwks = (await (await handleLocalFal(engine, new Request('http://127.0.0.1/api/local-fal/.well-known/jwks.json'))).json()) as {
        keys: JsonWebKey[]
      }
      expect(verifyFalWebhook({ headers: headersOf(headers), body, keys: jwks.keys })).toEqual({ ok: true, requestId: submitted.id })
      expect(JSON.parse(body.toString('utf8'))).toMatchObject({
        request_id: submitted.id,
        status: 'ERROR',
        error: 'Invalid status code: 500',
        payload: { error_type: 'runner_server_error' },
      })
    } finally {
      await server.close()
    }
  })
})

describe('handleFalWebhook', () => {
  const JWKS = 'http://127.0.0.1/api/local-fal/.well-known/jwks.json'

  function post(body: string, headers: Headers) {
    return new Request('http://127.0.0.1/api/fal/webhook', { method: 'POST', body, headers })
  }

  function deps(result: 'settled' | 'already' | 'unknown' = 'settled') {
    const settle = vi.fn(async () => result)
    const keys = createJwksCache(async () => Response.json(signer.jwks()))
    return { settle, keys, jwksUrl: JWKS, nowSeconds: NOW }
  }

  it('settles a verified OK webhook with its output', async () => {
    const d = deps()
    const response = await handleFalWebhook(post(BODY, signedHeaders(BODY, signer)), d)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ ok: true, result: 'settled' })
    expect(d.settle).toHaveBeenCalledWith('req-1', { ok: true, output: { video: { url: 'https://x/v.mp4' } } })
  })

  it('answers 401 for a bad signature, 400 for a body that does not match, 404 for an unknown request, 413 when too large', async () => {
    const d = deps()
    const forged = await handleFalWebhook(post(BODY, signedHeaders(BODY, otherSigner)), d)
    expect(forged.status).toBe(401)
    expect(await forged.json()).toHaveProperty('detail')
    const other = BODY.replace('"request_id":"req-1"', '"request_id":"req-2"')
    expect((await handleFalWebhook(post(other, signedHeaders(other, signer)), d)).status).toBe(400)
    expect((await handleFalWebhook(post('{not json', signedHeaders('{not json', signer)), d)).status).toBe(400)
    expect(d.settle).not.toHaveBeenCalled()
    expect((await handleFalWebhook(post(BODY, signedHeaders(BODY, signer)), deps('unknown'))).status).toBe(404)
    expect((await handleFalWebhook(post(BODY, signedHeaders(BODY, signer)), { ...d, maxBytes: 10 })).status).toBe(413)
  })

  it('turns ERROR webhooks into the errors the result call would have given', () => {
    const parse = (body: object) => outcomeOfWebhook(parseFalWebhook(new TextEncoder().encode(JSON.stringify(body)))!)
    const base = { request_id: 'r', gateway_request_id: 'r', status: 'ERROR' }
    expect(parse({ ...base, error: 'Invalid status code: 422', payload: { detail: [{ loc: ['body', 'prompt'], msg: 'too long', type: 'value_error' }] } })).toEqual({
      ok: false,
      error: { kind: 'validation', message: 'The input was refused: check prompt.', fields: [{ field: 'prompt', message: 'too long' }] },
    })
    expect(parse({ ...base, error: 'Invalid status code: 499', payload: { detail: 'cancelled', error_type: 'client_cancelled' } })).toMatchObject({
      ok: false,
      error: { kind: 'request', errorType: 'client_cancelled', status: 499 },
    })
    expect(parse({ ...base, error: 'Invalid status code: 504', payload: { detail: 'slow', error_type: 'request_timeout' } })).toMatchObject({
      error: { kind: 'request', status: 504, errorType: 'request_timeout', retryable: true },
    })
    expect(parse({ ...base, error: 'Something else', payload: { detail: 'boom', error_type: 'runner_server_error' } })).toMatchObject({
      error: { kind: 'request', status: 500, detail: 'boom' },
    })
    expect(parse({ ...base, status: 'OK', payload: null, payload_error: 'too big' })).toMatchObject({ ok: false, error: { kind: 'request', detail: 'too big' } })
  })
})
