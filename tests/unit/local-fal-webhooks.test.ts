import { createHash, createPublicKey, randomUUID, verify } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { catalog } from '@/lib/endpoints'
import { appIdOf } from '@/lib/fal/targets'
import { readLocalFalConfig, type LocalFalConfig } from '@/lib/local-fal/config'
import { LocalFalEngine } from '@/lib/local-fal/engine'
import { handleLocalFal } from '@/lib/local-fal/http'
import type { LocalRequest } from '@/lib/local-fal/types'
import { DEFAULT_RETRY_DELAYS_MS, PAYLOAD_ERROR } from '@/lib/local-fal/webhook-delivery'
import { tinyClipDataUri } from './helpers/tiny-clip'

// The webhook fal POSTs when a request ends: its body, its signature (checked here from first
// principles, not with the studio's verifier), and its delivery, retried with back-off and owed
// across a restart.

const V2V = catalog.find('fal-ai/ltx-2-19b/video-to-video')!
const BASE = 'http://127.0.0.1:3000/api/local-fal'

interface Delivery {
  at: number
  headers: IncomingHttpHeaders
  body: Buffer
}

/** A webhook receiver answering each POST with the next of `statuses` (200 once they run out). */
async function receiver(statuses: number[] = []): Promise<{ url: string; received: Delivery[]; close: () => Promise<void> }> {
  const received: Delivery[] = []
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      received.push({ at: Date.now(), headers: request.headers, body: Buffer.concat(chunks) })
      response.writeHead(statuses.shift() ?? 200).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/fal/webhook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

let dir = ''
let videoUri = ''

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'takes-webhooks-'))
  videoUri = await tinyClipDataUri(dir)
}, 60_000)

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function startEngine(name: string, config: Partial<LocalFalConfig> = {}): Promise<LocalFalEngine> {
  const engine = new LocalFalEngine({ dataDir: path.join(dir, name), concurrency: 1, minRenderMs: 0, controlEnabled: true, webhookRetryDelaysMs: [20], ...config }, catalog)
  await engine.init()
  return engine
}

async function submit(engine: LocalFalEngine, webhook: string): Promise<string> {
  const response = await handleLocalFal(
    engine,
    new Request(`${BASE}/queue/${V2V.id}?fal_webhook=${encodeURIComponent(webhook)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a cat', video_url: videoUri, generate_audio: false }),
    }),
  )
  expect(response.status).toBe(200)
  return ((await response.json()) as { request_id: string }).request_id
}

/** The request as kept on disk (what a restart finds). */
async function kept(name: string, id: string): Promise<LocalRequest> {
  return JSON.parse(await readFile(path.join(dir, name, 'requests', `${id}.json`), 'utf8')) as LocalRequest
}

async function resultText(engine: LocalFalEngine, id: string): Promise<{ status: number; text: string }> {
  const response = await handleLocalFal(engine, new Request(`${BASE}/queue/${appIdOf(V2V.id)}/requests/${id}`))
  return { status: response.status, text: await response.text() }
}

/** Checks a delivery's signature as fal documents it: hex ED25519 over the four lines, with a key of the JWKS. */
async function signedByEngine(engine: LocalFalEngine, delivery: Delivery): Promise<boolean> {
  const { keys } = (await (await handleLocalFal(engine, new Request(`${BASE}/.well-known/jwks.json`))).json()) as { keys: JsonWebKey[] }
  const header = (name: string) => String(delivery.headers[name])
  const message = [header('x-fal-webhook-request-id'), header('x-fal-webhook-user-id'), header('x-fal-webhook-timestamp'), createHash('sha256').update(delivery.body).digest('hex')].join('\n')
  const signature = Buffer.from(header('x-fal-webhook-signature'), 'hex')
  return keys.some((key) => verify(null, Buffer.from(message), createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.x! }, format: 'jwk' }), signature))
}

describe('webhooks as fal sends them', () => {
  it('a success: { request_id, gateway_request_id, status: OK, payload } with the result’s output, signed as fal signs', async () => {
    const hook = await receiver()
    try {
      const engine = await startEngine('ok')
      const id = await submit(engine, hook.url)
      await vi.waitFor(() => expect(hook.received).toHaveLength(1), { timeout: 30_000, interval: 20 })
      const [delivery] = hook.received as [Delivery]
      const result = await resultText(engine, id)
      expect(result.status).toBe(200)
      expect(JSON.parse(delivery.body.toString('utf8'))).toEqual({ request_id: id, gateway_request_id: id, status: 'OK', payload: JSON.parse(result.text) })
      expect(delivery.headers['content-type']).toBe('application/json')
      expect(delivery.headers['x-fal-webhook-request-id']).toBe(id)
      expect(Math.abs(Number(delivery.headers['x-fal-webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60)
      expect(await signedByEngine(engine, delivery)).toBe(true)
      // An altered body no longer matches the signature.
      expect(await signedByEngine(engine, { ...delivery, body: Buffer.from(delivery.body.toString('utf8').replace('"OK"', '"ER"')) })).toBe(false)
    } finally {
      await hook.close()
    }
  })

  it('a failure: status ERROR, error naming the status, payload the result’s error body', async () => {
    const hook = await receiver()
    try {
      const engine = await startEngine('error')
      engine.faults.failNextRuns = 1
      const id = await submit(engine, hook.url)
      await vi.waitFor(() => expect(hook.received).toHaveLength(1), { timeout: 30_000, interval: 20 })
      const result = await resultText(engine, id)
      expect(result.status).toBe(500)
      expect(JSON.parse(hook.received[0]!.body.toString('utf8'))).toEqual({
        request_id: id,
        gateway_request_id: id,
        status: 'ERROR',
        error: 'Invalid status code: 500',
        payload: JSON.parse(result.text),
      })
    } finally {
      await hook.close()
    }
  })

  it('with the webhookPayloadError fault: payload null and a payload_error, while the result still answers the output', async () => {
    const hook = await receiver()
    try {
      const engine = await startEngine('payload-error')
      engine.faults.webhookPayloadError = true
      const id = await submit(engine, hook.url)
      await vi.waitFor(() => expect(hook.received).toHaveLength(1), { timeout: 30_000, interval: 20 })
      expect(JSON.parse(hook.received[0]!.body.toString('utf8'))).toEqual({ request_id: id, gateway_request_id: id, status: 'OK', payload: null, payload_error: PAYLOAD_ERROR })
      expect(await signedByEngine(engine, hook.received[0]!)).toBe(true)
      const result = await resultText(engine, id)
      expect(result.status).toBe(200)
      expect(JSON.parse(result.text)).toHaveProperty('video')
    } finally {
      await hook.close()
    }
  })
})

describe('webhook delivery', () => {
  it('retries a refused webhook after growing waits, every attempt signed, the same body every time', async () => {
    const hook = await receiver([500, 503, 404])
    try {
      const engine = await startEngine('retries', { webhookRetryDelaysMs: [50, 150, 300] })
      const id = await submit(engine, hook.url)
      await vi.waitFor(() => expect(hook.received).toHaveLength(4), { timeout: 30_000, interval: 20 })
      const gaps = hook.received.slice(1).map((delivery, index) => delivery.at - hook.received[index]!.at)
      expect(gaps[0]).toBeGreaterThanOrEqual(45)
      expect(gaps[1]).toBeGreaterThanOrEqual(145)
      expect(gaps[2]).toBeGreaterThanOrEqual(295)
      expect(new Set(hook.received.map((delivery) => delivery.body.toString('utf8'))).size).toBe(1)
      for (const delivery of hook.received) expect(await signedByEngine(engine, delivery)).toBe(true)
      // Delivered: no longer owed, so a restart sends nothing again.
      await vi.waitFor(async () => expect(await kept('retries', id)).toMatchObject({ webhookPending: false }), { timeout: 5000, interval: 20 })
      await startEngine('retries', { webhookRetryDelaysMs: [50, 150, 300] })
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(hook.received).toHaveLength(4)
    } finally {
      await hook.close()
    }
  })

  it('gives up after the last wait, as fal does after its tenth retry', async () => {
    const hook = await receiver([500, 500, 500, 500, 500])
    try {
      const engine = await startEngine('gives-up', { webhookRetryDelaysMs: [10, 10] })
      const id = await submit(engine, hook.url)
      await vi.waitFor(async () => expect(await kept('gives-up', id)).toMatchObject({ webhookPending: false }), { timeout: 30_000, interval: 20 })
      expect(hook.received).toHaveLength(3)
    } finally {
      await hook.close()
    }
  })

  it('sends a webhook still owed when the server stopped once it starts again', async () => {
    const hook = await receiver([503])
    try {
      // The first attempt is refused and the next would come only after a minute: the "server stops" meanwhile.
      const stopped = await startEngine('restart', { webhookRetryDelaysMs: [60_000] })
      const id = await submit(stopped, hook.url)
      await vi.waitFor(() => expect(hook.received).toHaveLength(1), { timeout: 30_000, interval: 20 })
      expect(await kept('restart', id)).toMatchObject({ webhookPending: true })
      const restarted = await startEngine('restart', { webhookRetryDelaysMs: [60_000] })
      await vi.waitFor(() => expect(hook.received).toHaveLength(2), { timeout: 10_000, interval: 20 })
      expect(hook.received[1]!.body.equals(hook.received[0]!.body)).toBe(true)
      await vi.waitFor(async () => expect(await kept('restart', id)).toMatchObject({ webhookPending: false }), { timeout: 5000, interval: 20 })
      expect(restarted.get(id)?.webhookPending).toBe(false)
    } finally {
      await hook.close()
    }
  })

  it('does not send again, after a restart, a webhook owed longer than the retries last (fal has given up by then)', async () => {
    const hook = await receiver()
    try {
      const dataDir = path.join(dir, 'long-gone')
      const ended = new Date(Date.now() - 2 * 60_000).toISOString()
      const owed: LocalRequest = {
        id: randomUUID(),
        endpointId: V2V.id,
        input: { prompt: 'p' },
        origin: 'http://127.0.0.1:3000',
        webhookUrl: hook.url,
        webhookPending: true,
        sequence: 1,
        status: 'COMPLETED',
        submittedAt: ended,
        completedAt: ended,
        logs: [],
        attempts: 1,
        output: { video: { url: 'https://example.com/o.mp4' } },
      }
      await mkdir(path.join(dataDir, 'requests'), { recursive: true })
      await writeFile(path.join(dataDir, 'requests', `${owed.id}.json`), JSON.stringify(owed))
      // The retries last a minute; the request ended two minutes ago.
      await startEngine('long-gone', { webhookRetryDelaysMs: [60_000] })
      expect(await kept('long-gone', owed.id)).toMatchObject({ webhookPending: false })
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(hook.received).toEqual([])
    } finally {
      await hook.close()
    }
  })

  it('by default retries ten times over about two hours, and TAKES_LOCAL_WEBHOOK_RETRY_MS shortens that', () => {
    expect(DEFAULT_RETRY_DELAYS_MS).toHaveLength(10)
    const total = DEFAULT_RETRY_DELAYS_MS.reduce((sum, delay) => sum + delay, 0)
    expect(total).toBeGreaterThan(1.75 * 3600_000)
    expect(total).toBeLessThan(2.25 * 3600_000)
    expect(DEFAULT_RETRY_DELAYS_MS.every((delay, index) => index === 0 || delay >= DEFAULT_RETRY_DELAYS_MS[index - 1]!)).toBe(true)
    expect(readLocalFalConfig({}).webhookRetryDelaysMs).toBeUndefined()
    expect(readLocalFalConfig({ TAKES_LOCAL_WEBHOOK_RETRY_MS: '10, 20,40' }).webhookRetryDelaysMs).toEqual([10, 20, 40])
    expect(() => readLocalFalConfig({ TAKES_LOCAL_WEBHOOK_RETRY_MS: 'soon' })).toThrow(/TAKES_LOCAL_WEBHOOK_RETRY_MS/)
  })
})
