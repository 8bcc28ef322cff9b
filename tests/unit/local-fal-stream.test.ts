import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createFalClient } from '@fal-ai/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { catalog } from '@/lib/endpoints'
import { appIdOf } from '@/lib/fal/targets'
import { LocalFalEngine } from '@/lib/local-fal/engine'
import { NO_FAULTS, STREAM_KEEP_ALIVE_MS } from '@/lib/local-fal/faults'
import { handleLocalFal } from '@/lib/local-fal/http'
import { tinyClipDataUri } from './helpers/tiny-clip'

// fal's status stream: one `data:` line per event holding a status, each with only the logs new
// since the previous event, a keep-alive comment line every so often, closed after COMPLETED.

const V2V = catalog.find('fal-ai/ltx-2-19b/video-to-video')!
const BASE = 'http://127.0.0.1:3000/api/local-fal'

interface Log {
  message: string
  timestamp: string
}
interface Status {
  status: string
  logs?: Log[] | null
}

let dir = ''
let videoUri = ''
let engine: LocalFalEngine

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'takes-stream-'))
  videoUri = await tinyClipDataUri(dir)
  // Paced logs (eight denoising steps over the render time) make several events.
  engine = new LocalFalEngine({ dataDir: path.join(dir, 'sim'), concurrency: 1, minRenderMs: 800, controlEnabled: true }, catalog)
  await engine.init()
}, 60_000)

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function submit(tag: string): Promise<string> {
  const response = await handleLocalFal(
    engine,
    new Request(`${BASE}/queue/${V2V.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fal-takes-test-tag': tag },
      body: JSON.stringify({ prompt: 'a cat', video_url: videoUri, generate_audio: false }),
    }),
  )
  expect(response.status).toBe(200)
  return ((await response.json()) as { request_id: string }).request_id
}

/** Reads a whole status stream: its events, its comment lines, in order. */
async function readStream(id: string, logs = true): Promise<{ events: Status[]; comments: string[]; order: string[] }> {
  const response = await handleLocalFal(engine, new Request(`${BASE}/queue/${appIdOf(V2V.id)}/requests/${id}/status/stream?logs=${logs ? 1 : 0}`))
  expect(response.headers.get('content-type')).toBe('text/event-stream')
  const text = await response.text() // resolves only once the server closes the stream
  const events: Status[] = []
  const comments: string[] = []
  const order: string[] = []
  for (const block of text.split('\n\n').filter(Boolean)) {
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        comments.push(line)
        order.push('comment')
      } else if (line.startsWith('data: ')) {
        events.push(JSON.parse(line.slice('data: '.length)) as Status)
        order.push('event')
      } else {
        throw new Error(`Not a server-sent events line: ${line}`)
      }
    }
  }
  return { events, comments, order }
}

async function allLogs(id: string): Promise<Log[]> {
  const response = await handleLocalFal(engine, new Request(`${BASE}/queue/${appIdOf(V2V.id)}/requests/${id}/status?logs=1`))
  return ((await response.json()) as { logs: Log[] }).logs
}

describe('the status stream', () => {
  it('sends a keep-alive comment every streamKeepAliveMs between events, and closes after COMPLETED', async () => {
    const tag = 'keep-alive'
    await handleLocalFal(engine, new Request(`${BASE}/_control`, { method: 'POST', body: JSON.stringify({ tag, faults: { streamKeepAliveMs: 40, slowRunsMs: 600 } }) }))
    const id = await submit(tag)
    const { events, comments, order } = await readStream(id)
    expect(comments.length).toBeGreaterThanOrEqual(2)
    expect(new Set(comments)).toEqual(new Set([': keep-alive']))
    // The last thing sent is the COMPLETED event: nothing after it.
    expect(order.at(-1)).toBe('event')
    expect(events.at(-1)?.status).toBe('COMPLETED')
    expect(events.slice(0, -1).every((event) => event.status !== 'COMPLETED')).toBe(true)
  })

  it('keeps fal’s period (about 15 s) unless a test shortens it', () => {
    expect(STREAM_KEEP_ALIVE_MS).toBe(15_000)
    expect(NO_FAULTS.streamKeepAliveMs).toBe(STREAM_KEEP_ALIVE_MS)
    expect(engine.faultsFor('keep-alive').streamKeepAliveMs).toBe(40)
    expect(engine.faultsFor('someone-else').streamKeepAliveMs).toBe(STREAM_KEEP_ALIVE_MS)
  })

  it('sends each log line once: every event carries only the lines new since the previous one', async () => {
    const id = await submit('logs')
    const { events } = await readStream(id)
    const withLogs = events.filter((event) => (event.logs?.length ?? 0) > 0)
    expect(withLogs.length).toBeGreaterThan(2)
    const streamed = events.flatMap((event) => event.logs ?? [])
    expect(streamed).toEqual(await allLogs(id))
    expect(streamed.map((log) => log.message)).toContain('Denoising step 40/40')
  })

  it('fal’s client, reading the same stream, gathers every line once and ends with COMPLETED', async () => {
    const tag = 'client'
    await handleLocalFal(engine, new Request(`${BASE}/_control`, { method: 'POST', body: JSON.stringify({ tag, faults: { streamKeepAliveMs: 30 } }) }))
    const id = await submit(tag)
    const fal = createFalClient({
      credentials: 'local',
      fetch: (input, init) => handleLocalFal(engine, new Request(String(input).replace('https://queue.fal.run', `${BASE}/queue`), init)),
    })
    const updates: Status[] = []
    const done = (await fal.queue.subscribeToStatus(V2V.id, { requestId: id, mode: 'streaming', logs: true, onQueueUpdate: (update) => void updates.push(update as Status) })) as Status
    expect(done.status).toBe('COMPLETED')
    // The client adds up the lines as they come: its last update holds each exactly once.
    expect(updates.at(-1)?.logs).toEqual(await allLogs(id))
  })

  it('without ?logs=1, events carry no logs', async () => {
    const id = await submit('no-logs')
    const { events } = await readStream(id, false)
    expect(events.at(-1)?.status).toBe('COMPLETED')
    expect(events.every((event) => event.logs === undefined || event.logs === null)).toBe(true)
  })
})
