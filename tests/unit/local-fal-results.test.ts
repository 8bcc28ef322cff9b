import { randomUUID } from 'node:crypto'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { ApiError, createFalClient } from '@fal-ai/client'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { catalog } from '@/lib/endpoints'
import { appIdOf } from '@/lib/fal/targets'
import { billedMegapixels } from '@/lib/pricing/estimate'
import { readLocalFalConfig, type LocalFalConfig } from '@/lib/local-fal/config'
import { LocalFalEngine } from '@/lib/local-fal/engine'
import { handleLocalFal } from '@/lib/local-fal/http'
import { LARGE_RESULT_BYTES } from '@/lib/local-fal/result-retention'
import type { LocalRequest } from '@/lib/local-fal/types'
import { tinyClipDataUri } from './helpers/tiny-clip'

// What fal's result call answers, and for how long; how a request ends when it fails or waits past
// its start timeout; the units results are billed in. Driven through the simulator's HTTP handler.

const V2V = catalog.find('fal-ai/ltx-2-19b/video-to-video')!
const PRO = catalog.find('fal-ai/ltx-2/image-to-video')!
const BASE = 'http://127.0.0.1:3000/api/local-fal'
const MINUTE = 60_000

let dir = ''
let videoUri = ''

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'takes-results-'))
  videoUri = await tinyClipDataUri(dir)
}, 60_000)

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function startEngine(config: Partial<LocalFalConfig> = {}, kept: LocalRequest[] = []): Promise<LocalFalEngine> {
  const dataDir = path.join(dir, randomUUID())
  // Requests kept on disk before the start, as a restart finds them.
  await mkdir(path.join(dataDir, 'requests'), { recursive: true })
  for (const request of kept) await writeFile(path.join(dataDir, 'requests', `${request.id}.json`), JSON.stringify(request))
  const engine = new LocalFalEngine({ dataDir, concurrency: 1, minRenderMs: 0, controlEnabled: true, ...config }, catalog)
  await engine.init()
  return engine
}

/** A request that completed `ago` ms ago, as kept on disk. */
function completed(ago: number, patch: Partial<LocalRequest> = {}): LocalRequest {
  const at = new Date(Date.now() - ago).toISOString()
  return {
    id: randomUUID(),
    endpointId: V2V.id,
    input: { prompt: 'p', video_url: 'https://example.com/v.mp4' },
    origin: 'http://127.0.0.1:3000',
    sequence: 1,
    status: 'COMPLETED',
    submittedAt: at,
    startedAt: at,
    completedAt: at,
    logs: [],
    attempts: 1,
    output: { video: { url: 'https://example.com/out.mp4', width: 1248, height: 704, num_frames: 121, fps: 24, duration: 5.04 }, seed: 7, prompt: 'p' },
    ...patch,
  }
}

/** An output whose JSON is exactly `bytes` long. */
function outputOfSize(bytes: number): { [key: string]: string } {
  const empty = JSON.stringify({ prompt: '' }).length
  return { prompt: 'x'.repeat(bytes - empty) }
}

function call(engine: LocalFalEngine, url: string, init?: RequestInit) {
  return handleLocalFal(engine, new Request(url, init))
}

function resultCall(engine: LocalFalEngine, id: string, endpointId = V2V.id) {
  return call(engine, `${BASE}/queue/${appIdOf(endpointId)}/requests/${id}`)
}

async function statusOf(engine: LocalFalEngine, id: string): Promise<{ status: string; error?: string; error_type?: string; logs?: { message: string }[] }> {
  return (await (await call(engine, `${BASE}/queue/${appIdOf(V2V.id)}/requests/${id}/status?logs=1`)).json()) as {
    status: string
    error?: string
    error_type?: string
  }
}

async function submit(engine: LocalFalEngine, headers: Record<string, string> = {}): Promise<Response> {
  return call(engine, `${BASE}/queue/${V2V.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ prompt: 'a cat', video_url: videoUri, generate_audio: false }),
  })
}

async function submitted(engine: LocalFalEngine, headers: Record<string, string> = {}): Promise<string> {
  const response = await submit(engine, headers)
  expect(response.status).toBe(200)
  return ((await response.json()) as { request_id: string }).request_id
}

async function ended(engine: LocalFalEngine, id: string) {
  await vi.waitFor(() => expect(engine.get(id)?.status).toBe('COMPLETED'), { timeout: 30_000, interval: 20 })
  return statusOf(engine, id)
}

describe('result retention, as fal keeps results', () => {
  it('answers a result for an hour after completion, then 404', async () => {
    const fresh = completed(59 * MINUTE)
    const stale = completed(61 * MINUTE)
    const engine = await startEngine({}, [fresh, stale])
    const kept = await resultCall(engine, fresh.id)
    expect(kept.status).toBe(200)
    expect(await kept.json()).toEqual(fresh.output)
    const gone = await resultCall(engine, stale.id)
    expect(gone.status).toBe(404)
    expect(await gone.json()).toEqual({ detail: 'Request not found' })
    // Only the result is gone: the request's status still answers.
    expect((await statusOf(engine, stale.id)).status).toBe('COMPLETED')
    expect(engine.counters.expiredResults).toBe(1)
  })

  it(`keeps a result of ${LARGE_RESULT_BYTES} bytes or more only 6 minutes; one byte less keeps the hour`, async () => {
    const large = completed(7 * MINUTE, { output: outputOfSize(LARGE_RESULT_BYTES) })
    const largeFresh = completed(5 * MINUTE, { output: outputOfSize(LARGE_RESULT_BYTES) })
    const belowLimit = completed(30 * MINUTE, { output: outputOfSize(LARGE_RESULT_BYTES - 1) })
    const engine = await startEngine({}, [large, largeFresh, belowLimit])
    expect((await resultCall(engine, large.id)).status).toBe(404)
    const fresh = await resultCall(engine, largeFresh.id)
    expect(fresh.status).toBe(200)
    expect((await fresh.arrayBuffer()).byteLength).toBe(LARGE_RESULT_BYTES)
    const small = await resultCall(engine, belowLimit.id)
    expect(small.status).toBe(200)
    expect((await small.arrayBuffer()).byteLength).toBe(LARGE_RESULT_BYTES - 1)
  })

  it('lets a failure’s result expire the same way', async () => {
    const failure = { kind: 'request', status: 500, detail: 'boom', errorType: 'runner_server_error', retryable: true } as const
    const engine = await startEngine({}, [completed(61 * MINUTE, { id: 'a1b2c3d4-old', output: undefined, failure }), completed(MINUTE, { id: 'a1b2c3d4-new', output: undefined, failure })])
    expect((await resultCall(engine, 'a1b2c3d4-old')).status).toBe(404)
    expect((await resultCall(engine, 'a1b2c3d4-new')).status).toBe(500)
  })

  it('reads shorter retention from TAKES_LOCAL_RESULT_TTL_S and TAKES_LOCAL_LARGE_RESULT_TTL_S', async () => {
    expect(readLocalFalConfig({})).toMatchObject({ resultTtlS: 3600, largeResultTtlS: 360 })
    const config = readLocalFalConfig({ TAKES_LOCAL_RESULT_TTL_S: '2', TAKES_LOCAL_LARGE_RESULT_TTL_S: '1' })
    expect(config).toMatchObject({ resultTtlS: 2, largeResultTtlS: 1 })
    const small = completed(0)
    const large = completed(0, { output: outputOfSize(LARGE_RESULT_BYTES) })
    const engine = await startEngine({ resultTtlS: config.resultTtlS, largeResultTtlS: config.largeResultTtlS }, [small, large])
    expect((await resultCall(engine, small.id)).status).toBe(200)
    // The large one goes first, the small one after its own (longer) time.
    await vi.waitFor(async () => expect((await resultCall(engine, large.id)).status).toBe(404), { timeout: 10_000, interval: 100 })
    await vi.waitFor(async () => expect((await resultCall(engine, small.id)).status).toBe(404), { timeout: 10_000, interval: 100 })
    expect(Date.now() - Date.parse(small.completedAt!)).toBeGreaterThanOrEqual(2000)
  })

  it('with no retention a run’s result is gone as soon as it ends; with the default it answers', async () => {
    const engine = await startEngine({ resultTtlS: 0 })
    const id = await submitted(engine)
    await ended(engine, id)
    expect((await resultCall(engine, id)).status).toBe(404)
    const keeping = await startEngine()
    const kept = await submitted(keeping)
    await ended(keeping, kept)
    expect((await resultCall(keeping, kept)).status).toBe(200)
  })
})

describe('billable units on results', () => {
  it('per-megapixel endpoints: the output’s megapixels, rounded up as lib/pricing counts them', async () => {
    const request = completed(0)
    const engine = await startEngine({}, [request])
    const response = await resultCall(engine, request.id)
    expect(response.headers.get('x-fal-billable-units')).toBe(String(billedMegapixels(1248, 704, 121)))
    expect(response.headers.get('x-fal-billable-units')).toBe('107')
  })

  it('per-second endpoints: seconds of output, the input’s duration or its default', async () => {
    const chosen = completed(0, {
      endpointId: PRO.id,
      input: { prompt: 'p', image_url: 'https://example.com/i.png', duration: 8, resolution: '1440p' },
      output: { video: { url: 'https://example.com/o.mp4', width: 2560, height: 1440, duration: 8.04 } },
    })
    const defaulted = completed(0, { endpointId: PRO.id, input: { prompt: 'p', image_url: 'https://example.com/i.png' }, output: { video: { url: 'https://example.com/o.mp4' } } })
    const engine = await startEngine({}, [chosen, defaulted])
    expect((await resultCall(engine, chosen.id, PRO.id)).headers.get('x-fal-billable-units')).toBe('8')
    const fallback = engine.compiledFor(PRO).defaults.duration
    expect(typeof fallback).toBe('number')
    expect((await resultCall(engine, defaulted.id, PRO.id)).headers.get('x-fal-billable-units')).toBe(String(fallback))
  })

  it('a rendered run carries the units of what it rendered; a run that failed on the server carries zero', async () => {
    const engine = await startEngine()
    const id = await submitted(engine)
    await ended(engine, id)
    const response = await resultCall(engine, id)
    const { video } = (await response.json()) as { video: { width: number; height: number; num_frames: number } }
    expect(response.headers.get('x-fal-billable-units')).toBe(String(billedMegapixels(video.width, video.height, video.num_frames)))
    engine.faults.failNextRuns = 1
    const failed = await submitted(engine)
    await ended(engine, failed)
    const failure = await resultCall(engine, failed)
    expect(failure.status).toBe(500)
    // fal bills no server error: zero units.
    expect(failure.headers.get('x-fal-billable-units')).toBe('0')
  })
})

describe('failed runs, as fal ends them', () => {
  it('ends COMPLETED with error and error_type; the result answers the error status, body and X-Fal headers', async () => {
    const engine = await startEngine()
    engine.faults.failNextRuns = 1
    const id = await submitted(engine)
    const status = await ended(engine, id)
    expect(status).toMatchObject({ status: 'COMPLETED', error: 'Runner crashed while generating (injected fault).', error_type: 'runner_server_error' })
    const result = await resultCall(engine, id)
    expect(result.status).toBe(500)
    expect(result.headers.get('x-fal-error-type')).toBe('runner_server_error')
    expect(result.headers.get('x-fal-retryable')).toBe('true')
    expect(result.headers.get('x-fal-request-id')).toBe(id)
    expect(await result.json()).toEqual({ detail: 'Runner crashed while generating (injected fault).', error_type: 'runner_server_error' })
  })

  it('a model’s validation error answers 422 with fal’s detail list and X-Fal-Retryable: false', async () => {
    const detail = [{ loc: ['body', 'video_url'], msg: 'Could not download the file', type: 'file_download_error' }]
    const request = completed(0, { output: undefined, failure: { kind: 'validation', status: 422, detail } })
    const engine = await startEngine({}, [request])
    const status = await statusOf(engine, request.id)
    expect(status).toMatchObject({ status: 'COMPLETED', error_type: 'validation_error' })
    const result = await resultCall(engine, request.id)
    expect(result.status).toBe(422)
    expect(result.headers.get('x-fal-retryable')).toBe('false')
    expect(await result.json()).toEqual({ detail })
  })

  it('a submit that fails validation answers 422 with X-Fal-Retryable: false, and queues nothing', async () => {
    const engine = await startEngine()
    const response = await call(engine, `${BASE}/queue/${V2V.id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'no video' }) })
    expect(response.status).toBe(422)
    expect(response.headers.get('x-fal-retryable')).toBe('false')
    expect(await readdir(path.join(engine.config.dataDir, 'requests'))).toEqual([])
  })
})

describe('the start timeout (x-fal-request-timeout)', () => {
  it('ends a request still queued when it runs out: COMPLETED with request_timeout, its result a 504 of type user', async () => {
    const engine = await startEngine()
    engine.faults.slowRunsMs = 60_000 // holds the only runner
    const holder = await submitted(engine)
    const id = await submitted(engine, { 'x-fal-request-timeout': '0.5' })
    expect((await statusOf(engine, id)).status).toBe('IN_QUEUE')
    const status = await ended(engine, id)
    expect(status).toMatchObject({ status: 'COMPLETED', error: 'Request timed out', error_type: 'request_timeout' })
    expect(status.logs?.map((log) => log.message).some((message) => message.startsWith('Starting'))).toBe(false)
    const result = await resultCall(engine, id)
    expect(result.status).toBe(504)
    expect(result.headers.get('x-fal-request-timeout-type')).toBe('user')
    expect(result.headers.get('x-fal-error-type')).toBe('request_timeout')
    expect(result.headers.get('x-fal-retryable')).toBe('false')
    expect(await result.json()).toEqual({ detail: 'Request timed out', error_type: 'request_timeout' })
    expect(engine.counters.timedOut).toBe(1)
    expect((await call(engine, `${BASE}/queue/${appIdOf(V2V.id)}/requests/${holder}/cancel`, { method: 'PUT' })).status).toBe(202)
  })

  it('covers the wait only: a request that started in time runs to its end however long it takes', async () => {
    const engine = await startEngine()
    engine.faults.slowRunsMs = 1500
    const id = await submitted(engine, { 'x-fal-request-timeout': '0.5' })
    const status = await ended(engine, id)
    expect(status).not.toHaveProperty('error_type')
    expect((await resultCall(engine, id)).status).toBe(200)
    expect(engine.counters.timedOut).toBe(0)
  })

  it('refuses a timeout that is not a number of seconds above 0.1 with 400 bad_request, and queues nothing', async () => {
    const engine = await startEngine()
    for (const value of ['soon', '0.1', '-3', 'Infinity']) {
      const response = await submit(engine, { 'x-fal-request-timeout': value })
      expect(response.status, value).toBe(400)
      expect(response.headers.get('x-fal-error-type')).toBe('bad_request')
      expect(((await response.json()) as { error_type: string }).error_type).toBe('bad_request')
    }
    expect(await readdir(path.join(engine.config.dataDir, 'requests'))).toEqual([])
  })

  it('still applies after a restart: a queued request past its deadline ends timed out without running', async () => {
    const queued: LocalRequest = {
      ...completed(10_000),
      status: 'IN_QUEUE',
      attempts: 0,
      startedAt: undefined,
      completedAt: undefined,
      output: undefined,
      startBy: new Date(Date.now() - 1000).toISOString(),
    }
    const engine = await startEngine({}, [queued])
    const status = await ended(engine, queued.id)
    expect(status).toMatchObject({ error_type: 'request_timeout' })
    expect(engine.get(queued.id)?.attempts).toBe(0)
  })

  it('the timeOutNextStarts fault answers the same 504, which fal’s client does not retry', async () => {
    const engine = await startEngine()
    engine.faults.timeOutNextStarts = 1
    const id = await submitted(engine)
    await ended(engine, id)
    const fal = createFalClient({
      credentials: 'local',
      fetch: (input, init) => handleLocalFal(engine, new Request(String(input).replace('https://queue.fal.run', `${BASE}/queue`), init)),
    })
    const error = await fal.queue.result(V2V.id, { requestId: id }).then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError<unknown>).status).toBe(504)
    expect((error as ApiError<unknown>).isUserTimeout).toBe(true)
    expect(engine.counters.resultsByRequest[id]).toBe(1)
    // The fault is spent: the next request runs.
    const next = await submitted(engine)
    expect(await ended(engine, next)).not.toHaveProperty('error_type')
  })
})
