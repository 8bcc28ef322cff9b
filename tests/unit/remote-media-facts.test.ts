import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { SafeFetchError } from '@/lib/http/safe-fetch'
import { runFfmpeg } from '@/lib/media/media-tools'
import { REMOTE_MEDIA_LIMITS, remoteMediaFacts, type RemoteMediaLimits, type RemoteMediaSource } from '@/lib/media/remote-media-facts'
import { inputMediaFacts } from '@/lib/takes/input-media-facts'

const SLOW = 120_000

interface Served {
  body: Buffer
  ranges: boolean
  length: boolean
  type: string
}

let work: string
let server: Server
let port: number
const files = new Map<string, Served>()
/** Each request: its path and how many bytes it was sent. */
const log: { path: string; range?: string; sent: number }[] = []

async function make(name: string, args: string[]): Promise<Buffer> {
  const file = path.join(work, name)
  await runFfmpeg(['-y', ...args, file])
  return readFile(file)
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'takes-remote-facts-'))
  const video = ['-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=24', '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']
  const [faststart, moovAtEnd, minute, mp3] = await Promise.all([
    make('faststart.mp4', [...video, '-movflags', '+faststart']),
    make('moov-at-end.mp4', video),
    // A 60-second input, its index at the end: what a "match the input's length" take bills for.
    make('minute.mp4', ['-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=30', '-t', '60', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']),
    make('tone.mp3', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=10', '-c:a', 'libmp3lame', '-b:a', '64k']),
  ])
  const add = (name: string, body: Buffer, served: Partial<Served> = {}) => files.set(`/${name}`, { body, ranges: true, length: true, type: 'video/mp4', ...served })
  add('faststart.mp4', faststart)
  add('moov-at-end.mp4', moovAtEnd)
  add('minute.mp4', minute)
  add('tone.mp3', mp3, { type: 'audio/mpeg' })
  add('no-ranges.mp4', moovAtEnd, { ranges: false })
  add('no-ranges-no-length.mp4', moovAtEnd, { ranges: false, length: false })
  add('page.html', Buffer.from('<html>internal admin console</html>'), { type: 'text/html' })

  server = createServer((request, response) => {
    const file = files.get(request.url ?? '')
    const entry = { path: request.url ?? '', range: request.headers.range, sent: 0 }
    log.push(entry)
    if (!file) return void response.writeHead(404).end()
    const range = file.ranges ? /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '') : null
    const start = range ? Number(range[1]) : 0
    const end = range?.[2] ? Math.min(Number(range[2]), file.body.length - 1) : file.body.length - 1
    const part = file.body.subarray(start, end + 1)
    const headers: Record<string, string | number> = { 'content-type': file.type }
    if (file.length) headers['content-length'] = part.length
    if (range) headers['content-range'] = `bytes ${start}-${end}/${file.body.length}`
    response.writeHead(range ? 206 : 200, headers)
    // Counts what was actually written before the client hung up.
    for (let offset = 0; offset < part.length && !response.destroyed; offset += 16 * 1024) {
      const chunk = part.subarray(offset, offset + 16 * 1024)
      entry.sent += chunk.length
      response.write(chunk)
    }
    response.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
}, SLOW)

afterAll(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve))
  await rm(work, { recursive: true, force: true })
})

beforeEach(() => {
  log.length = 0
})

/** Small heads and tails, so small test files exercise the same paths as large ones. */
const LIMITS: RemoteMediaLimits = { ...REMOTE_MEDIA_LIMITS, headBytes: 16 * 1024, tailBytes: 16 * 1024, wholeBytes: 4 * 1024 * 1024 }

function source(extra: Partial<RemoteMediaSource> = {}): RemoteMediaSource {
  return { field: 'video_url', what: 'video', env: { TAKES_FETCH_ALLOW_HOSTS: `127.0.0.1:${port}` }, ...extra }
}

const url = (name: string) => `http://127.0.0.1:${port}/${name}`

describe('facts of a media URL', () => {
  it('reads a faststart MP4 from its head alone', async () => {
    const facts = await remoteMediaFacts(url('faststart.mp4'), source(), LIMITS)
    expect(facts).toMatchObject({ width: 320, height: 180, fps: 24, hasVideo: true })
    expect(facts.duration).toBeCloseTo(2, 1)
    expect(log).toEqual([{ path: '/faststart.mp4', range: `bytes=0-${LIMITS.headBytes - 1}`, sent: LIMITS.headBytes }])
  }, SLOW)

  it('reads an MP4 whose index is at the end from its head and tail, never the middle', async () => {
    const size = files.get('/moov-at-end.mp4')!.body.length
    expect(size).toBeGreaterThan(LIMITS.headBytes + LIMITS.tailBytes)
    const facts = await remoteMediaFacts(url('moov-at-end.mp4'), source(), LIMITS)
    expect(facts).toMatchObject({ width: 320, height: 180, fps: 24 })
    expect(facts.duration).toBeCloseTo(2, 1)
    expect(log.map(({ range }) => range)).toEqual([`bytes=0-${LIMITS.headBytes - 1}`, `bytes=${size - LIMITS.tailBytes}-${size - 1}`])
    expect(log.reduce((total, { sent }) => total + sent, 0)).toBe(LIMITS.headBytes + LIMITS.tailBytes)
  }, SLOW)

  it('reads the duration of a 60-second video', async () => {
    const facts = await remoteMediaFacts(url('minute.mp4'), source(), { ...LIMITS, tailBytes: 64 * 1024 })
    expect(facts.duration).toBeCloseTo(60, 0)
    expect(facts.fps).toBe(30)
  }, SLOW)

  it("estimates an MP3's duration from its true size, though only its head was read", async () => {
    const facts = await remoteMediaFacts(url('tone.mp3'), source({ field: 'audio_url', what: 'audio' }), LIMITS)
    expect(facts.hasAudio).toBe(true)
    expect(facts.duration).toBeCloseTo(10, 0)
    expect(log).toHaveLength(1)
  }, SLOW)

  it('reads a server without ranges whole, up to a cap', async () => {
    const facts = await remoteMediaFacts(url('no-ranges.mp4'), source(), LIMITS)
    expect(facts).toMatchObject({ width: 320, height: 180 })
    const capped = remoteMediaFacts(url('no-ranges.mp4'), source(), { ...LIMITS, wholeBytes: 20 * 1024 })
    await expect(capped).rejects.toThrow(/could not read the video at video_url: it is not a video file the studio can read/)
  }, SLOW)

  it('refuses facts of part of a file whose size it cannot know', async () => {
    const facts = await remoteMediaFacts(url('no-ranges-no-length.mp4'), source(), LIMITS)
    expect(facts.width).toBe(320)
    files.set('/faststart-unsized.mp4', { ...files.get('/faststart.mp4')!, ranges: false, length: false })
    await expect(remoteMediaFacts(url('faststart-unsized.mp4'), source(), LIMITS)).rejects.toThrow(/neither its size nor serves byte ranges/)
  }, SLOW)

  it('says a page is not media, without echoing it', async () => {
    const error = await remoteMediaFacts(url('page.html'), source(), LIMITS).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(SafeFetchError)
    expect(error).toMatchObject({ failure: 'not_media', field: 'video_url' })
    expect((error as Error).message).not.toMatch(/admin/)
  }, SLOW)

  it('reads nothing from a loopback address the operator did not allow', async () => {
    const error = await remoteMediaFacts(url('faststart.mp4'), source({ env: {} }), LIMITS).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ failure: 'not_allowed', message: 'could not read the video at video_url: its address is not allowed (only public addresses are read)' })
    expect(log).toEqual([])
  })
})

/** A local-mode studio whose simulator runs in this process, its data under the test's directory. */
function studioEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, TAKES_BACKEND: 'local', TAKES_LOCAL_FAL_URL: undefined, TAKES_DATA_DIR: path.join(work, 'data'), ...extra }
}

describe("a submit's input media facts", () => {
  it('reads data URIs and http(s) URLs, and names each input it could not read with why', async () => {
    const clip = files.get('/faststart.mp4')!.body
    const env = studioEnv({ TAKES_FETCH_ALLOW_HOSTS: `127.0.0.1:${port}` })
    const read = await inputMediaFacts({ prompt: 'x', video_url: `data:video/mp4;base64,${clip.toString('base64')}`, audio_url: url('tone.mp3') }, 'local', env)
    expect(read.unread).toEqual([])
    expect(read.facts.video).toMatchObject({ width: 320, height: 180, fps: 24 })
    expect(read.facts.audio?.duration).toBeCloseTo(10, 0)

    const refused = await inputMediaFacts(
      { video_url: `http://localhost:${port}/faststart.mp4`, image_url: 'data:image/png,not-base64', audio_url: url('faststart.mp4') },
      'fal',
      { ...env, TAKES_FETCH_ALLOW_HOSTS: '' },
    )
    expect(refused.facts).toEqual({})
    expect(refused.unread.sort((a, b) => a.field.localeCompare(b.field))).toEqual([
      { field: 'audio_url', role: 'audio', reason: 'could not read the audio at audio_url: its address is not allowed (only public addresses are read)' },
      { field: 'image_url', role: 'image', reason: 'could not read the image at image_url: only base64 data URIs are read' },
      { field: 'video_url', role: 'video', reason: 'could not read the video at video_url: its address is not allowed (only public addresses are read)' },
    ])
    expect(log.filter(({ path }) => path === '/faststart.mp4')).toEqual([])
  }, SLOW)

  it("reads the local simulator's own file from its store on disk, whatever host the URL names", async () => {
    const env = studioEnv()
    const store = path.join(work, 'data', 'local-fal', 'files')
    const id = '0b5f9a52-3c56-4f7e-9f6a-7f0c1f3f1e2d'
    await mkdir(store, { recursive: true })
    await writeFile(path.join(store, `${id}.bin`), files.get('/faststart.mp4')!.body)
    const read = await inputMediaFacts({ video_url: `http://127.0.0.1:${port}/api/local-fal/files/${id}/clip.mp4` }, 'local', env)
    expect(read).toMatchObject({ unread: [], facts: { video: { width: 320, height: 180 } } })
    const missing = await inputMediaFacts({ video_url: `http://127.0.0.1:${port}/api/local-fal/files/${id.replace('0b', 'ff')}/clip.mp4` }, 'local', env)
    expect(missing.unread).toEqual([{ field: 'video_url', role: 'video', reason: 'could not read the video at video_url: the studio has no such file' }])
    expect(log).toEqual([])
  }, SLOW)
})
