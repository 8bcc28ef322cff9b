import type { FalClient } from '@fal-ai/client'
import { strFromU8, unzipSync, Unzip, UnzipInflate } from 'fflate'
import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { finishTake } from '@/lib/db/queries'
import { newTakeId } from '@/lib/db/schema'
import { getSweep, listSweepTakes } from '@/lib/db/sweep-queries'
import { checkBatchRequest } from '@/lib/batches/batch-request'
import { NOT_INCLUDED, PARAMETERS_FILE, sweepZipChunks, ZIP_VIDEO_BYTES_MAX, type ZipCell } from '@/lib/batches/sweep-zip'
import { checkSweepRequest } from '@/lib/sweeps/sweep-request'
import { SLOW, useProcessDb } from './db-fixture'

const V2V = 'fal-ai/ltx-2-19b/video-to-video'
const PRO = 'fal-ai/ltx-2/image-to-video'
const BASE = { prompt: 'the form prompt', video_url: 'https://v3.fal.media/files/x/clip.mp4' }
const ROWS = [
  { line: 2, values: { prompt: 'a kite' } },
  { line: 3, values: { prompt: 'a lighthouse', guidance_scale: 2 } },
  { line: 5, values: { prompt: 'rain', seed: 9 } },
]

describe('checkBatchRequest', () => {
  it('makes one take per row: the base input with the row set over it, one shared seed unless the row sets its own', () => {
    const checked = checkBatchRequest({ endpointId: V2V, input: { ...BASE, seed: 42 }, rows: ROWS, concurrency: 2 })
    if (!checked.ok) throw new Error(checked.problem.detail)
    expect(checked.sweep).toMatchObject({ kind: 'batch', axes: [], rows: ROWS.map((row) => row.values), concurrency: 2 })
    expect(checked.sweep.inputs).toEqual([
      { ...BASE, prompt: 'a kite', seed: 42 },
      { ...BASE, prompt: 'a lighthouse', guidance_scale: 2, seed: 42 },
      { ...BASE, prompt: 'rain', seed: 9 },
    ])
  })

  it('pins prompt expansion off in every take when asked, on endpoints that have the field only', () => {
    const pinned = checkBatchRequest({ endpointId: V2V, input: BASE, rows: ROWS, pinExpansionOff: true })
    if (!pinned.ok) throw new Error(pinned.problem.detail)
    expect(pinned.sweep.inputs.map((input) => input.enable_prompt_expansion)).toEqual([false, false, false])
    const sweep = checkSweepRequest({ endpointId: V2V, input: BASE, axes: [{ field: 'guidance_scale', values: [2, 3] }], concurrency: 1, varySeed: false, pinExpansionOff: true })
    if (!sweep.ok) throw new Error(sweep.problem.detail)
    expect(sweep.sweep.inputs.map((input) => input.enable_prompt_expansion)).toEqual([false, false])
    const noField = checkBatchRequest({ endpointId: PRO, input: { prompt: 'x', image_url: 'https://v3.fal.media/files/x/still.png' }, rows: [{ line: 1, values: { prompt: 'y' } }], pinExpansionOff: true })
    if (!noField.ok) throw new Error(noField.problem.detail)
    expect(noField.sweep.inputs[0]).not.toHaveProperty('enable_prompt_expansion')
  })

  it.each([
    ['an out-of-range value, by line and field', [...ROWS, { line: 7, values: { guidance_scale: 20 } }], 'guidance_scale', /^Line 7, guidance_scale: “20” is above the maximum 10$/],
    ['a value the validator refuses, by line and field', [{ line: 4, values: { num_frames: 10.5 } }], 'num_frames', /^Line 4, num_frames: /],
    ['a field a row may not set', [{ line: 3, values: { video_url: 'https://v3.fal.media/files/x/other.mp4' } }], 'video_url', /^Line 3, video_url: video_url cannot be set by a batch row$/],
    ['an unknown field', [{ line: 2, values: { colour: 'red' } }], 'colour', /^Line 2, colour: /],
    ['no rows', [], 'rows', /at least one row/],
    ['101 rows', Array.from({ length: 101 }, (_, at) => ({ line: at + 1, values: { prompt: `p${at}` } })), 'rows', /at most 100/],
  ])('refuses %s', (_name, rows, field, detail) => {
    const checked = checkBatchRequest({ endpointId: V2V, input: BASE, rows, concurrency: 2 })
    expect(checked.ok).toBe(false)
    if (checked.ok) return
    expect(checked.status).toBe(400)
    expect(checked.problem.field).toBe(field)
    expect(checked.problem.detail).toMatch(detail)
  })

  it('refuses a row whose whole input is invalid, by its line (the form lacks a required field)', () => {
    const checked = checkBatchRequest({ endpointId: V2V, input: { prompt: 'x' }, rows: [{ line: 6, values: { prompt: 'y' } }] })
    expect(checked).toMatchObject({ ok: false, status: 400, problem: { field: 'video_url', detail: expect.stringMatching(/^Line 6 is not valid — video_url: /) } })
  })
})

/** A fal client whose submits answer with request ids and whose cancels are counted. */
function fakeClient() {
  const submitted: Record<string, unknown>[] = []
  const cancelled: string[] = []
  const client = {
    queue: {
      submit: async (_endpointId: string, options: { input: Record<string, unknown> }) => {
        submitted.push(options.input)
        return { request_id: `req-batch-${submitted.length}-${Date.now()}-${Math.random()}`, queue_position: 0, status: 'IN_QUEUE' }
      },
      cancel: async (_endpointId: string, options: { requestId: string }) => {
        cancelled.push(options.requestId)
      },
    },
  }
  return { client: client as unknown as FalClient, submitted, cancelled }
}

describe('the sweep runner with a batch', () => {
  useProcessDb()

  it(
    'submits one take per row, at most `concurrency` at a time, in row order, and ends the batch',
    async () => {
      const { SweepRunner } = await import('@/lib/sweeps/sweep-runner')
      const { startSweep } = await import('@/lib/sweeps/start-sweep')
      const checked = checkBatchRequest({ endpointId: V2V, input: { ...BASE, seed: 5 }, rows: ROWS, concurrency: 2, pinExpansionOff: true })
      if (!checked.ok) throw new Error(checked.problem.detail)
      const started = await startSweep(checked.sweep, { ...process.env, TAKES_BACKEND: 'local' })
      if (!started.ok) throw new Error(started.refusal.detail)
      const { sweep } = started
      expect(sweep).toMatchObject({ kind: 'batch', cellCount: 3, rows: ROWS.map((row) => row.values) })
      const { client, submitted } = fakeClient()
      const runner = new SweepRunner({ client })

      await runner.tick()
      expect((await listSweepTakes(sweep.id)).map((take) => take.sweepIndex)).toEqual([0, 1])
      await runner.tick()
      expect(submitted).toHaveLength(2)
      for (const take of await listSweepTakes(sweep.id)) await finishTake(take.id, { status: 'COMPLETED', completedAt: new Date() })
      await runner.tick()
      const takes = await listSweepTakes(sweep.id)
      expect(takes.map((take) => take.input.prompt)).toEqual(['a kite', 'a lighthouse', 'rain'])
      expect(takes.map((take) => [take.input.seed, take.input.enable_prompt_expansion])).toEqual([
        [5, false],
        [5, false],
        [9, false],
      ])
      await finishTake(takes[2]!.id, { status: 'COMPLETED', completedAt: new Date() })
      await runner.tick()
      expect((await getSweep(sweep.id))?.status).toBe('DONE')
      await runner.stop()
    },
    SLOW,
  )

  it(
    'stopping a batch submits nothing more and cancels its queued takes, saying what that saved',
    async () => {
      const { SweepRunner } = await import('@/lib/sweeps/sweep-runner')
      const { startSweep } = await import('@/lib/sweeps/start-sweep')
      const { stopSweep } = await import('@/lib/sweeps/stop-sweep')
      const rows = Array.from({ length: 5 }, (_, at) => ({ line: at + 1, values: { prompt: `shot ${at}` } }))
      const checked = checkBatchRequest({ endpointId: V2V, input: BASE, rows, concurrency: 2 })
      if (!checked.ok) throw new Error(checked.problem.detail)
      const started = await startSweep(checked.sweep, { ...process.env, TAKES_BACKEND: 'local' })
      if (!started.ok) throw new Error(started.refusal.detail)
      const { client, submitted, cancelled } = fakeClient()
      const runner = new SweepRunner({ client })
      await runner.tick()
      const stopped = await stopSweep(started.sweep.id, client, { ...process.env, TAKES_BACKEND: 'local' })
      expect(stopped).toMatchObject({ cancelled: 2, notSubmitted: 3 })
      expect(cancelled).toHaveLength(2)
      expect(stopped!.savedUsd).toBeCloseTo(started.sweep.estimateUsd, 10)
      await runner.tick()
      expect(submitted).toHaveLength(2)
      expect((await getSweep(started.sweep.id))?.status).toBe('STOPPED')
      await runner.stop()
    },
    SLOW,
  )
})

const bytes = (text: string) => new TextEncoder().encode(text)
const streamOfBytes = (...parts: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(bytes(part))
      controller.close()
    },
  })

async function zipOf(cells: ZipCell[], videos: Record<string, string[]>, sizes: Record<string, number> = {}): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  const open = async (key: string) => {
    const parts = videos[key]
    return parts ? { stream: streamOfBytes(...parts), size: sizes[key] ?? bytes(parts.join('')).length } : null
  }
  for await (const chunk of sweepZipChunks(cells, open)) chunks.push(chunk)
  const zip = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0))
  let at = 0
  for (const chunk of chunks) {
    zip.set(chunk, at)
    at += chunk.length
  }
  return zip
}

describe('the sweep zip', () => {
  const cells: ZipCell[] = [
    { row: 1, takeId: 'take-a', status: 'COMPLETED', input: { prompt: 'a, "quoted"', seed: 1 }, videoKey: 'take-a/video.mp4' },
    { row: 2, takeId: 'take-b', status: 'FAILED', input: { prompt: 'b', seed: 1, guidance_scale: 2 }, videoKey: null },
    { row: 3, takeId: 'take-c', status: 'COMPLETED', input: { prompt: 'c', seed: 1, loras: [{ path: 'https://x/y.safetensors', scale: 1 }] }, videoKey: 'take-c/video.mp4' },
    { row: 4, takeId: null, status: 'NOT_RUN', input: null, videoKey: null },
  ]
  const videos = { 'take-a/video.mp4': ['first ', 'video bytes'], 'take-c/video.mp4': ['third video'] }

  it('holds each completed take’s video byte for byte, stored uncompressed, named by row and take id, and a CSV of every take’s parameters', async () => {
    const zip = await zipOf(cells, videos)
    const files = unzipSync(zip)
    expect(Object.keys(files).sort()).toEqual([PARAMETERS_FILE, 'row-1-take-a.mp4', 'row-3-take-c.mp4'])
    expect(strFromU8(files['row-1-take-a.mp4']!)).toBe('first video bytes')
    expect(strFromU8(files['row-3-take-c.mp4']!)).toBe('third video')

    const methods = new Map<string, number>()
    const unzip = new Unzip((file) => methods.set(file.name, file.compression))
    unzip.register(UnzipInflate)
    unzip.push(zip, true)
    expect(methods.get('row-1-take-a.mp4')).toBe(0)
    expect(methods.get('row-3-take-c.mp4')).toBe(0)

    const csv = Papa.parse<Record<string, string>>(strFromU8(files[PARAMETERS_FILE]!), { header: true, skipEmptyLines: true })
    expect(csv.meta.fields).toEqual(['row', 'take_id', 'status', 'video', 'prompt', 'seed', 'guidance_scale', 'loras'])
    expect(csv.data).toEqual([
      { row: '1', take_id: 'take-a', status: 'COMPLETED', video: 'row-1-take-a.mp4', prompt: 'a, "quoted"', seed: '1', guidance_scale: '', loras: '' },
      { row: '2', take_id: 'take-b', status: 'FAILED', video: '', prompt: 'b', seed: '1', guidance_scale: '2', loras: '' },
      { row: '3', take_id: 'take-c', status: 'COMPLETED', video: 'row-3-take-c.mp4', prompt: 'c', seed: '1', guidance_scale: '', loras: '[{"path":"https://x/y.safetensors","scale":1}]' },
      { row: '4', take_id: '', status: 'NOT_RUN', video: '', prompt: '', seed: '', guidance_scale: '', loras: '' },
    ])
  })

  it('stops adding videos before the zip would pass 4 GB (no ZIP64), and says which in the CSV', async () => {
    const files = unzipSync(await zipOf(cells, videos, { 'take-c/video.mp4': ZIP_VIDEO_BYTES_MAX }))
    expect(Object.keys(files).sort()).toEqual([PARAMETERS_FILE, 'row-1-take-a.mp4'])
    const csv = Papa.parse<Record<string, string>>(strFromU8(files[PARAMETERS_FILE]!), { header: true, skipEmptyLines: true })
    expect(csv.data[2]).toMatchObject({ row: '3', take_id: 'take-c', video: NOT_INCLUDED })
  })

  it('writes a formula-like prompt as text and names a data URI rather than copying it', async () => {
    const risky: ZipCell[] = [{ row: 1, takeId: 'take-r', status: 'FAILED', input: { prompt: '=HYPERLINK("http://x")', image_url: `data:image/png;base64,${'A'.repeat(5000)}` }, videoKey: null }]
    const csvText = strFromU8(unzipSync(await zipOf(risky, {}))[PARAMETERS_FILE]!)
    const [row] = Papa.parse<Record<string, string>>(csvText, { header: true, skipEmptyLines: true }).data
    expect(row!.prompt).toBe(`'=HYPERLINK("http://x")`)
    expect(row!.image_url).toBe('data:image/png,… (5022 characters)')
  })

  it("a take's id is copied into the CSV as it is: no id begins with a formula's -", () => {
    const ids = Array.from({ length: 2000 }, newTakeId)
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([])
    expect(new Set(ids.map((id) => id[0])).size).toBeGreaterThan(40)
    expect(ids.every((id) => /^[A-Za-z0-9_-]{22}$/.test(id))).toBe(true)
  })

  it('leaves out a video gone from the store, and says so in the CSV', async () => {
    const files = unzipSync(await zipOf(cells, { 'take-c/video.mp4': ['third video'] }))
    expect(Object.keys(files).sort()).toEqual([PARAMETERS_FILE, 'row-3-take-c.mp4'])
    expect(strFromU8(files[PARAMETERS_FILE]!)).toContain('take-a,COMPLETED,,')
  })
})
