import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Take } from '@/lib/db/queries'
import { findContinueChoice } from '@/lib/chains/catalog-choices'
import { extractFrame } from '@/lib/chains/extract-frame'
import { ContinueRefusal, prepareContinuation } from '@/lib/chains/prepare-continuation'
import { RESULT_EXPIRED } from '@/lib/takes/result-expired'
import type { OutputStore } from '@/lib/storage'
import { ffmpegPath } from '@/lib/media/media-tools'
import { meanAbsoluteDifference } from './helpers/pixels'

// The frame a continued take starts from: the very last frame of the kept video for an image input,
// the first for an end image, extracted by ffmpeg; and what is uploaded for each kind of field.

const run = promisify(execFile)
const SIZE = 96
let dir: string
let clip: string
/** Every frame of the clip, decoded to rgb24. */
let frames: Buffer[]

async function rgbOf(file: string): Promise<Buffer> {
  const { stdout } = await run(ffmpegPath(), ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 })
  return stdout
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'takes-chain-frames-'))
  clip = path.join(dir, 'clip.mp4')
  // A moving picture whose frames all differ, with keyframes only at the start (as generated videos have).
  await run(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${SIZE}x${SIZE}:rate=25:duration=1.96`, '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-g', '250', clip])
  const all = await rgbOf(clip)
  const frameBytes = SIZE * SIZE * 3
  frames = Array.from({ length: all.length / frameBytes }, (_, index) => all.subarray(index * frameBytes, (index + 1) * frameBytes))
}, 60_000)

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('extracting a frame', () => {
  it('gives the very last frame, and the first, losslessly', async () => {
    expect(frames.length).toBe(49)
    const last = path.join(dir, 'last.png')
    const first = path.join(dir, 'first.png')
    await extractFrame(clip, 'last', last)
    await extractFrame(clip, 'first', first)
    const lastRgb = await rgbOf(last)
    const firstRgb = await rgbOf(first)
    expect(meanAbsoluteDifference(lastRgb, frames.at(-1)!)).toBeLessThan(0.5)
    expect(meanAbsoluteDifference(firstRgb, frames[0]!)).toBeLessThan(0.5)
    // Not merely a frame near the end: the one before the last is measurably different.
    expect(meanAbsoluteDifference(lastRgb, frames.at(-2)!)).toBeGreaterThan(1)
  }, 60_000)

  it('works on a clip shorter than the stretch it decodes from the end', async () => {
    const short = path.join(dir, 'short.mp4')
    await run(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${SIZE}x${SIZE}:rate=25:duration=0.36`, '-pix_fmt', 'yuv420p', '-c:v', 'libx264', short])
    const all = await rgbOf(short)
    const last = path.join(dir, 'short-last.png')
    await extractFrame(short, 'last', last)
    expect(meanAbsoluteDifference(await rgbOf(last), all.subarray(all.length - SIZE * SIZE * 3))).toBeLessThan(0.5)
  }, 60_000)
})

describe('preparing a continuation', () => {
  const takeOf = (patch: Partial<Take>): Take =>
    ({ id: 'parent1', status: 'COMPLETED', output: { video: { url: 'https://v3.fal.media/files/out.mp4' } }, error: null, videoKey: 'parent1/video.mp4', ...patch }) as Take
  /** A store holding the clip as the take's kept video. */
  const store = { serve: async (key: string) => (key === 'parent1/video.mp4' ? new Response(new Uint8Array(await readFile(clip))) : new Response('Not found', { status: 404 })) } as unknown as OutputStore
  function recorder() {
    const uploads: { bytes: Uint8Array; type: string; name: string }[] = []
    const upload = async (blob: Blob, type: string, name: string) => {
      uploads.push({ bytes: new Uint8Array(await blob.arrayBuffer()), type, name })
      return `https://uploaded.example/${uploads.length}`
    }
    return { uploads, upload }
  }
  const image = findContinueChoice('fal-ai/ltx-2/image-to-video', 'image_url')!
  const video = findContinueChoice('fal-ai/ltx-2-19b/video-to-video', 'video_url')!

  it('uploads the last frame of the kept copy for an image input', async () => {
    const { uploads, upload } = recorder()
    const made = await prepareContinuation('parent1', image, { publicOrigin: 'http://studio.test', store, upload, loadTake: async () => takeOf({}) })
    expect(made).toEqual({ parentTakeId: 'parent1', endpointId: image.endpointId, field: 'image_url', source: 'last-frame', url: 'https://uploaded.example/1' })
    expect(uploads).toHaveLength(1)
    expect(uploads[0]!.type).toBe('image/png')
    const png = path.join(dir, 'uploaded.png')
    await writeFile(png, uploads[0]!.bytes)
    expect(meanAbsoluteDifference(await rgbOf(png), frames.at(-1)!)).toBeLessThan(0.5)
  }, 60_000)

  it('passes fal’s own video URL on while fal holds it, else uploads the kept copy', async () => {
    const fresh = recorder()
    const made = await prepareContinuation('parent1', video, { publicOrigin: 'http://studio.test', store, upload: fresh.upload, loadTake: async () => takeOf({}) })
    expect(made.url).toBe('https://v3.fal.media/files/out.mp4')
    expect(fresh.uploads).toHaveLength(0)

    const expired = recorder()
    const error = { kind: 'request', errorType: RESULT_EXPIRED, message: 'gone', retryable: false } as Take['error']
    const again = await prepareContinuation('parent1', video, { publicOrigin: 'http://studio.test', store, upload: expired.upload, loadTake: async () => takeOf({ error }) })
    expect(again.url).toBe('https://uploaded.example/1')
    expect(expired.uploads[0]!.type).toBe('video/mp4')
    expect(Buffer.from(expired.uploads[0]!.bytes).equals(await readFile(clip))).toBe(true)
  }, 60_000)

  it('refuses a take that is missing, unfinished or not kept, uploading nothing', async () => {
    for (const [take, status] of [
      [null, 404],
      [takeOf({ status: 'IN_PROGRESS' }), 409],
      [takeOf({ status: 'FAILED' }), 409],
      [takeOf({ videoKey: null }), 409],
    ] as const) {
      const { uploads, upload } = recorder()
      const attempt = prepareContinuation('parent1', image, { publicOrigin: 'http://studio.test', store, upload, loadTake: async () => take })
      await expect(attempt).rejects.toBeInstanceOf(ContinueRefusal)
      await expect(attempt).rejects.toMatchObject({ status })
      expect(uploads).toHaveLength(0)
    }
  })
})
