import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { catalog } from '@/lib/endpoints'
import { parseExactJson } from '@/lib/json/exact-json'
import { isUnsafeIntegerDigits } from '@/lib/json/exact-integer'
import { LocalFalEngine } from '@/lib/local-fal/engine'
import { handleLocalFal } from '@/lib/local-fal/http'
import { tinyClipDataUri } from './helpers/tiny-clip'

const FAL_SEED = '1490631192028410600'
const V2V = 'fal-ai/ltx-2-19b/video-to-video'
const BASE = 'http://127.0.0.1/api/local-fal'

let dir = ''
let videoUri = ''
let engine: LocalFalEngine
const hooks: string[] = []
let hookServer: Server
let hookUrl = ''

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'takes-seed-'))
  videoUri = await tinyClipDataUri(dir)
  engine = new LocalFalEngine({ dataDir: path.join(dir, 'sim'), concurrency: 2, minRenderMs: 0, controlEnabled: false }, catalog)
  await engine.init()
  hookServer = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      hooks.push(Buffer.concat(chunks).toString('utf8'))
      res.end('{}')
    })
  })
  await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve))
  hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/api/fal/webhook`
}, 60_000)

afterAll(async () => {
  await new Promise<void>((resolve) => hookServer?.close(() => resolve()))
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Submits raw JSON text, waits for the end, and gives the result's raw text and the video's bytes. */
async function run(body: string, webhook?: string): Promise<{ id: string; result: string; video: Buffer }> {
  const url = `${BASE}/queue/${V2V}${webhook ? `?fal_webhook=${encodeURIComponent(webhook)}` : ''}`
  const submitted = await handleLocalFal(engine, new Request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }))
  expect(submitted.status).toBe(200)
  const { request_id: id } = (await submitted.json()) as { request_id: string }
  await vi.waitFor(() => expect(engine.get(id)?.status).toBe('COMPLETED'), { timeout: 60_000, interval: 50 })
  const result = await (await handleLocalFal(engine, new Request(`${BASE}/queue/${V2V}/requests/${id}`))).text()
  const output = parseExactJson(result) as { video?: { url: string } }
  expect(output.video?.url, result).toBeTruthy()
  const video = Buffer.from(await (await handleLocalFal(engine, new Request(output.video!.url))).arrayBuffer())
  return { id, result, video }
}

describe('the simulator and 64-bit seeds', () => {
  it('takes a raw 64-bit seed exactly, renders by it, and answers it as a raw number', async () => {
    const { result, video } = await run(`{"prompt":"seed","video_url":"${videoUri}","seed":${FAL_SEED}}`)
    expect(result).toContain(`"seed":${FAL_SEED}`)
    expect(video.byteLength).toBeGreaterThan(0)
    // Its digits as a string mean the same seed: the same video, byte for byte.
    const again = await run(`{"prompt":"seed","video_url":"${videoUri}","seed":"${FAL_SEED}"}`)
    expect(again.result).toContain(`"seed":${FAL_SEED}`)
    expect(again.video.equals(video)).toBe(true)
    // One apart, beyond what a double tells apart: another video.
    const next = await run(`{"prompt":"seed","video_url":"${videoUri}","seed":1490631192028410601}`)
    expect(next.result).toContain('"seed":1490631192028410601')
    expect(next.video.equals(video)).toBe(false)
  }, 120_000)

  it('picks an unsigned 64-bit seed when none is set, and reproduces the take from it', async () => {
    const picked = await run(`{"prompt":"pick","video_url":"${videoUri}"}`, hookUrl)
    const seed = (parseExactJson(picked.result) as { seed: unknown }).seed
    expect(typeof seed === 'number' ? Number.isSafeInteger(seed) && seed >= 0 : isUnsafeIntegerDigits(seed) && !seed.startsWith('-')).toBe(true)
    expect(BigInt(seed as string | number) < BigInt(2) ** BigInt(64)).toBe(true)
    expect(picked.result).toMatch(new RegExp(`"seed":${String(seed)}[,}]`))
    // The webhook carries it as a raw number too.
    await vi.waitFor(() => expect(hooks.some((hook) => hook.includes(picked.id))).toBe(true), { timeout: 10_000 })
    const hook = hooks.find((body) => body.includes(picked.id))!
    expect(hook).toMatch(new RegExp(`"seed":${String(seed)}[,}]`))
    expect((parseExactJson(hook) as { payload: { seed: unknown } }).payload.seed).toBe(seed)
    const replayed = await run(`{"prompt":"pick","video_url":"${videoUri}","seed":${String(seed)}}`)
    expect(replayed.video.equals(picked.video)).toBe(true)
  }, 120_000)
})
