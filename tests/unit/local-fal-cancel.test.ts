import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeAll, afterAll, describe, expect, it, vi } from 'vitest'
import { catalog } from '@/lib/endpoints'
import { appIdOf } from '@/lib/fal/targets'
import { runFfmpeg, type RunFfmpegOptions } from '@/lib/media/media-tools'
import { LocalFalEngine } from '@/lib/local-fal/engine'
import type { Counters } from '@/lib/local-fal/faults'
import { fileUrl } from '@/lib/local-fal/files'
import { handleLocalFal } from '@/lib/local-fal/http'

// The render's ffmpeg, watched: a test can act the moment it is spawned and see how it ended.
vi.mock('@/lib/media/media-tools', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/media/media-tools')>()
  return { ...actual, runFfmpeg: vi.fn(actual.runFfmpeg) }
})
const { runFfmpeg: realFfmpeg } = await vi.importActual<typeof import('@/lib/media/media-tools')>('@/lib/media/media-tools')

const ENDPOINT = catalog.find('fal-ai/ltx-2-19b/video-to-video')!
const ORIGIN = 'http://127.0.0.1:3000'
const BASE = `${ORIGIN}/api/local-fal`

let dir: string
let inputVideo: string
let engine: LocalFalEngine

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'takes-cancel-'))
  inputVideo = path.join(dir, 'input.mp4')
  // A tiny input: the output follows it (64×64, 9 frames, no audio), so a render takes moments.
  await realFfmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=25:duration=0.4', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', inputVideo])
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

afterEach(() => {
  vi.mocked(runFfmpeg).mockReset().mockImplementation(realFfmpeg)
})

async function startEngine(name: string, minRenderMs = 0): Promise<LocalFalEngine> {
  const started = new LocalFalEngine({ dataDir: path.join(dir, name), concurrency: 1, minRenderMs, controlEnabled: true }, catalog)
  await started.init()
  return started
}

/** Submits through the HTTP face, as fal's client does; the request id. */
async function submit(input: Record<string, unknown> = {}): Promise<string> {
  const copy = path.join(dir, `copy-${Math.random().toString(36).slice(2)}.mp4`)
  await realFfmpeg(['-i', inputVideo, '-c', 'copy', copy])
  const stored = await engine.files.adopt(copy, 'video/mp4', 'input.mp4')
  const body = { prompt: 'a cat', video_url: fileUrl(ORIGIN, stored.id, stored.fileName), generate_audio: false, ...input }
  const response = await handleLocalFal(engine, new Request(`${BASE}/queue/${ENDPOINT.id}`, { method: 'POST', body: JSON.stringify(body) }))
  expect(response.status).toBe(200)
  return ((await response.json()) as { request_id: string }).request_id
}

async function cancel(id: string, method = 'PUT'): Promise<{ status: number; body: unknown }> {
  const response = await handleLocalFal(engine, new Request(`${BASE}/queue/${appIdOf(ENDPOINT.id)}/requests/${id}/cancel`, { method }))
  return { status: response.status, body: await response.json() }
}

async function status(id: string): Promise<{ status: string; error_type?: string }> {
  const response = await handleLocalFal(engine, new Request(`${BASE}/queue/${appIdOf(ENDPOINT.id)}/requests/${id}/status`))
  return (await response.json()) as { status: string; error_type?: string }
}

async function result(id: string): Promise<{ status: number; body: { video?: { url: string }; error_type?: string } }> {
  const response = await handleLocalFal(engine, new Request(`${BASE}/queue/${appIdOf(ENDPOINT.id)}/requests/${id}`))
  return { status: response.status, body: (await response.json()) as { video?: { url: string }; error_type?: string } }
}

/** The counters, as a test reads them: GET /api/local-fal/_control. */
async function counters(): Promise<Counters> {
  const response = await handleLocalFal(engine, new Request(`${BASE}/_control`))
  return ((await response.json()) as { counters: Counters }).counters
}

async function completed(id: string) {
  await vi.waitFor(async () => expect((await status(id)).status).toBe('COMPLETED'), { timeout: 20_000, interval: 20 })
  return status(id)
}

/** Runs `act` the moment the next render's ffmpeg has been spawned; resolves with how that ffmpeg ended. */
function onRenderStart(act: () => Promise<unknown>): Promise<string> {
  return new Promise((resolve) => {
    vi.mocked(runFfmpeg).mockImplementationOnce((args: string[], opts?: RunFfmpegOptions) => {
      const running = realFfmpeg(args, opts)
      running.then(
        () => resolve('finished'),
        (error: unknown) => resolve(error instanceof Error ? error.name : String(error)),
      )
      void act()
      return running
    })
  })
}

describe('the simulator cancels requests as fal does', () => {
  it('ends a queued request at once: 202 CANCELLATION_REQUESTED, then COMPLETED with client_cancelled', async () => {
    engine = await startEngine('queued')
    engine.faults.slowRunsMs = 60_000 // holds the only runner, so the next request waits
    const running = await submit()
    const queued = await submit()
    expect((await status(queued)).status).toBe('IN_QUEUE')

    expect(await cancel(queued)).toEqual({ status: 202, body: { status: 'CANCELLATION_REQUESTED' } })
    expect(await status(queued)).toMatchObject({ status: 'COMPLETED', error_type: 'client_cancelled' })
    expect(await result(queued)).toMatchObject({ status: 499, body: { error_type: 'client_cancelled' } })
    expect(await counters()).toMatchObject({ cancelCalls: 1, cancelled: 1 })

    // The running one, waiting out its slow start, stops at once too (not after a minute).
    expect((await cancel(running)).status).toBe(202)
    expect(await completed(running)).toMatchObject({ error_type: 'client_cancelled' })
    expect(await counters()).toMatchObject({ cancelCalls: 2, cancelled: 2 })
  })

  it('aborts a running render: its ffmpeg is killed, nothing is kept, and the request ends cancelled', async () => {
    engine = await startEngine('running')
    const filesBefore = await readdir(path.join(dir, 'running', 'files'))
    const cancelledAtSpawn: { status: number; body: unknown }[] = []
    const submitted = submit()
    const ffmpeg = onRenderStart(async () => cancelledAtSpawn.push(await cancel(await submitted)))
    const id = await submitted

    expect(await ffmpeg).toBe('AbortError')
    expect(cancelledAtSpawn).toEqual([{ status: 202, body: { status: 'CANCELLATION_REQUESTED' } }])
    expect(await completed(id)).toMatchObject({ error_type: 'client_cancelled' })
    expect(await result(id)).toMatchObject({ status: 499 })
    // Only the input this test stored: no rendered output was adopted.
    expect((await readdir(path.join(dir, 'running', 'files'))).length).toBe(filesBefore.length + 2)
    expect(engine.get(id)!.logs.map((log) => log.message)).not.toContain('Done')
    expect(await counters()).toMatchObject({ cancelCalls: 1, cancelled: 1 })
  })

  it('keeps a request that completed before the cancel: 400 ALREADY_COMPLETED, its output intact', async () => {
    engine = await startEngine('completed')
    const id = await submit()
    expect(await completed(id)).not.toHaveProperty('error_type')

    expect(await cancel(id)).toEqual({ status: 400, body: { status: 'ALREADY_COMPLETED' } })
    const kept = await result(id)
    expect(kept.status).toBe(200)
    expect(kept.body.video?.url).toContain('/api/local-fal/files/')
    expect(await counters()).toMatchObject({ cancelCalls: 1, cancelled: 0 })
  })

  it('answers 404 NOT_FOUND for an unknown request, and refuses other methods', async () => {
    engine = await startEngine('unknown')
    expect(await cancel('00000000-0000-4000-8000-000000000000')).toEqual({ status: 404, body: { status: 'NOT_FOUND' } })
    expect((await cancel('00000000-0000-4000-8000-000000000000', 'POST')).status).toBe(405)
    expect(await counters()).toMatchObject({ cancelCalls: 1, cancelled: 0 })
  })

  it('a queued request with a start timeout, cancelled, ends cancelled: its timeout never fires after', async () => {
    engine = await startEngine('timeout-cancelled')
    engine.faults.slowRunsMs = 60_000
    const running = await submit()
    const copy = path.join(dir, `copy-${Math.random().toString(36).slice(2)}.mp4`)
    await realFfmpeg(['-i', inputVideo, '-c', 'copy', copy])
    const stored = await engine.files.adopt(copy, 'video/mp4', 'input.mp4')
    const submitted = await handleLocalFal(
      engine,
      new Request(`${BASE}/queue/${ENDPOINT.id}`, {
        method: 'POST',
        headers: { 'x-fal-request-timeout': '0.3' },
        body: JSON.stringify({ prompt: 'a cat', video_url: fileUrl(ORIGIN, stored.id, stored.fileName), generate_audio: false }),
      }),
    )
    const { request_id: queued } = (await submitted.json()) as { request_id: string }
    expect((await cancel(queued)).status).toBe(202)
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(await status(queued)).toMatchObject({ status: 'COMPLETED', error_type: 'client_cancelled' })
    expect(engine.counters.timedOut).toBe(0)
    expect((await cancel(running)).status).toBe(202)
  })

  it('with runsIgnoreCancel, a running request is told 202 yet completes, as a fal model may', async () => {
    engine = await startEngine('ignored')
    engine.faults.runsIgnoreCancel = true
    const submitted = submit()
    const ffmpeg = onRenderStart(async () => cancel(await submitted))
    const id = await submitted

    expect(await ffmpeg).toBe('finished')
    expect(await completed(id)).not.toHaveProperty('error_type')
    expect((await result(id)).status).toBe(200)
    expect(await counters()).toMatchObject({ cancelCalls: 1, cancelled: 0 })
  })
})
