import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest'

import { GET as getOutput, HEAD as headOutput } from '@/app/api/outputs/[...key]/route'
import { byteRangeResponse, isSingleByteRange, parseByteRange } from '@/lib/http/byte-range'
import { FileStore } from '@/lib/local-fal/files'
import { ffprobePath, runFfmpeg } from '@/lib/media/media-tools'
import { outputStore, outputStoreFromEnv, outputUrl, resetOutputStore, type OutputStore } from '@/lib/storage'
import { KeepOutputError, deleteTakeOutput, keepTakeOutput } from '@/lib/storage/keep-output'
import { LocalDiskStore } from '@/lib/storage/local-disk-store'
import { S3Store, s3ConfigFromEnv } from '@/lib/storage/s3-store'

import { startS3Server, type S3TestServer, type S3TestServerOptions } from './helpers/s3-server'

const SLOW = 60_000

let work: string
let dataDir: string
/** 320×180, 24 fps, 1 s. */
let smallMp4: Buffer
/** 1280×720: its poster is scaled down to 640 wide. */
let largeMp4: Buffer
let server: Server
let origin: string
const requests: string[] = []

function newTakeId(): string {
  return randomBytes(16).toString('base64url')
}

function probeJson(file: string): Promise<{ streams: { codec_name?: string; width?: number; height?: number }[]; format: { format_name?: string } }> {
  return new Promise((resolve, reject) => {
    execFile(ffprobePath(), ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', file], (error, stdout) => {
      if (error) reject(error)
      else resolve(JSON.parse(stdout) as never)
    })
  })
}

async function makeMp4(size: string): Promise<Buffer> {
  const file = path.join(work, `clip-${size}.mp4`)
  await runFfmpeg(['-y', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=24`, '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', file])
  return readFile(file)
}

/** Saves a served body to a file, for ffprobe. */
async function saveBody(response: Response, name: string): Promise<string> {
  const file = path.join(work, name)
  await writeFile(file, Buffer.from(await response.arrayBuffer()))
  return file
}

async function expectJpegOfWidth(response: Response, width: number, height: number) {
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('image/jpeg')
  const file = await saveBody(response, `poster-${randomBytes(4).toString('hex')}.jpg`)
  const bytes = await readFile(file)
  expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff])
  const probe = await probeJson(file)
  expect(probe.streams[0]).toMatchObject({ codec_name: 'mjpeg', width, height })
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'takes-storage-'))
  dataDir = path.join(work, 'data')
  process.env.TAKES_DATA_DIR = dataDir
  delete process.env.TAKES_S3_BUCKET
  resetOutputStore()
  ;[smallMp4, largeMp4] = await Promise.all([makeMp4('320x180'), makeMp4('1280x720')])

  server = createServer((request, response) => {
    const url = request.url ?? '/'
    requests.push(url)
    if (url.startsWith('/small.mp4') || url.startsWith('/large.mp4')) {
      const body = url.startsWith('/small') ? smallMp4 : largeMp4
      response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': body.byteLength })
      response.end(body)
    } else if (url === '/octet') {
      // A server that does not know what it holds: the key's extension comes from fal's content_type.
      response.writeHead(200, { 'content-type': 'application/octet-stream' })
      response.end(smallMp4)
    } else if (url === '/html') {
      response.writeHead(200, { 'content-type': 'text/html' })
      response.end('<html>Access denied</html>')
    } else if (url === '/huge') {
      response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(10 * 1024 * 1024) })
      response.end()
    } else if (url === '/endless') {
      // No length declared: the cap must be enforced while streaming.
      response.writeHead(200, { 'content-type': 'video/mp4' })
      const chunk = Buffer.alloc(64 * 1024)
      const timer = setInterval(() => response.write(chunk), 1)
      response.on('close', () => clearInterval(timer))
    } else if (url === '/stall') {
      response.writeHead(200, { 'content-type': 'video/mp4' })
      response.write(smallMp4.subarray(0, 100))
      // …and nothing more.
    } else {
      response.writeHead(404).end('gone')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // Output copies are fetched only from public addresses, unless the operator names a host.
  process.env.TAKES_FETCH_ALLOW_HOSTS = new URL(origin).host
}, SLOW)

afterAll(async () => {
  server?.closeAllConnections()
  await new Promise((resolve) => server?.close(resolve))
  delete process.env.TAKES_FETCH_ALLOW_HOSTS
  resetOutputStore()
  await rm(work, { recursive: true, force: true })
})

function falOutput(url: string, contentType: string | null = 'video/mp4') {
  return {
    video: {
      url,
      ...(contentType ? { content_type: contentType } : {}),
      file_name: 'output.mp4',
      file_size: smallMp4.byteLength,
      width: 320,
      height: 180,
      fps: 24,
      duration: 1,
      num_frames: 24,
    },
    seed: 42,
  }
}

/** GET through the route, as the browser would reach it. */
function fetchOutput(key: string, headers: Record<string, string> = {}): Promise<Response> {
  const request = new Request(`http://studio.test${outputUrl(key)}`, { headers })
  const segments = new URL(request.url).pathname.split('/').slice(3).map(decodeURIComponent)
  return getOutput(request, { params: Promise.resolve({ key: segments }) })
}

describe('byte ranges', () => {
  it('parses single ranges and ignores what it does not understand', () => {
    expect(parseByteRange(null, 100)).toBeNull()
    expect(parseByteRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 })
    expect(parseByteRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 })
    expect(parseByteRange('bytes=95-200', 100)).toEqual({ start: 95, end: 99 })
    expect(parseByteRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 })
    expect(parseByteRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 })
    expect(parseByteRange('bytes=100-', 100)).toBe('unsatisfiable')
    expect(parseByteRange('bytes=-0', 100)).toBe('unsatisfiable')
    expect(parseByteRange('bytes=0-', 0)).toBe('unsatisfiable')
    for (const ignored of ['bytes=0-1,5-6', 'bytes=5-3', 'bytes=-', 'items=0-1', 'bytes=a-b']) {
      expect(parseByteRange(ignored, 100)).toBeNull()
      expect(isSingleByteRange(ignored)).toBe(false)
    }
  })

  it('answers 200, 206 and 416', async () => {
    const bytes = new TextEncoder().encode('0123456789')
    const open = (range: { start: number; end: number } | null) =>
      new Blob([range ? bytes.slice(range.start, range.end + 1) : bytes]).stream()
    const whole = byteRangeResponse({ size: 10, rangeHeader: null, headers: { 'content-type': 'text/plain' }, open })
    expect(whole.status).toBe(200)
    expect(whole.headers.get('content-length')).toBe('10')
    expect(whole.headers.get('accept-ranges')).toBe('bytes')
    const part = byteRangeResponse({ size: 10, rangeHeader: 'bytes=2-4', open })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe('bytes 2-4/10')
    expect(await part.text()).toBe('234')
    const none = byteRangeResponse({ size: 10, rangeHeader: 'bytes=10-', open })
    expect(none.status).toBe(416)
    expect(none.headers.get('content-range')).toBe('bytes */10')
  })

  it('still serves the local backend files (FileStore uses the same helper)', async () => {
    const files = new FileStore(path.join(work, 'local-fal'))
    await files.init()
    const { id } = await files.reserve('clip.mp4')
    await files.write(id, { body: new Blob([new Uint8Array(smallMp4)]).stream() })
    const part = await files.serve(id, 'bytes=0-99')
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${smallMp4.byteLength}`)
    expect(Buffer.from(await part.arrayBuffer())).toEqual(smallMp4.subarray(0, 100))
    const whole = await files.serve(id, null)
    expect(whole.status).toBe(200)
    expect(whole.headers.get('content-disposition')).toBe('inline; filename="clip.mp4"')
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(smallMp4)
    expect((await files.serve(id, `bytes=${smallMp4.byteLength}-`)).status).toBe(416)
  })
})

describe('choosing the store', () => {
  it('uses local disk under TAKES_DATA_DIR/outputs unless TAKES_S3_BUCKET is set', () => {
    const local = outputStoreFromEnv({ TAKES_DATA_DIR: '/srv/takes' })
    expect(local).toBeInstanceOf(LocalDiskStore)
    expect((local as LocalDiskStore).root).toBe(path.resolve('/srv/takes/outputs'))
    expect((outputStoreFromEnv({}) as LocalDiskStore).root).toBe(path.resolve('data/outputs'))
    const s3 = outputStoreFromEnv({ TAKES_S3_BUCKET: 'takes', TAKES_S3_ENDPOINT: 'http://minio:9000', TAKES_S3_FORCE_PATH_STYLE: '1' })
    expect(s3).toBeInstanceOf(S3Store)
    expect((s3 as S3Store).config).toEqual({ bucket: 'takes', region: 'us-east-1', endpoint: 'http://minio:9000', forcePathStyle: true })
    expect(s3ConfigFromEnv({ TAKES_S3_BUCKET: 'b', TAKES_S3_REGION: 'eu-west-3' })).toEqual({ bucket: 'b', region: 'eu-west-3', forcePathStyle: false })
  })

  it('keeps one store per process', () => {
    expect(outputStore()).toBe(outputStore())
    expect((outputStore() as LocalDiskStore).root).toBe(path.join(dataDir, 'outputs'))
  })
})

/**
 * A backend of the process's output store (the one the outputs route and keepTakeOutput use), and a
 * view of what it holds, so that one suite checks every backend the same way.
 */
interface StoreBackend {
  name: string
  /** Makes the process's store this backend, as an operator would: through the environment. */
  setUp(): Promise<void>
  tearDown(): Promise<void>
  /** What the backend holds under `<dir>/`, sorted: the names, and anything it keeps beside them. */
  stored(dir: string): Promise<string[]>
  /** What `stored` lists when the dir holds exactly `names` and nothing left over. */
  storedAs(names: string[]): string[]
}

const diskBackend: StoreBackend = {
  name: 'local disk',
  async setUp() {
    resetOutputStore()
  },
  async tearDown() {
    resetOutputStore()
  },
  async stored(dir) {
    try {
      return (await readdir(path.join(dataDir, 'outputs', dir))).sort()
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
  },
  // Each name's content type is kept in a hidden file beside it.
  storedAs: (names) => names.flatMap((name) => [name, `.${name}.meta.json`]).sort(),
}

const S3_ENV = ['TAKES_S3_BUCKET', 'TAKES_S3_ENDPOINT', 'TAKES_S3_FORCE_PATH_STYLE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const
type S3Env = Partial<Record<(typeof S3_ENV)[number], string>>

/** Sets `values` in process.env; the returned function puts back what was there. */
function setEnv(values: S3Env): () => void {
  const saved = Object.fromEntries(S3_ENV.map((name) => [name, process.env[name]]))
  for (const name of S3_ENV) {
    const value = values[name]
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  return () => {
    for (const name of S3_ENV) {
      const value = saved[name]
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

/** An S3-compatible server started by the test itself; the store finds it, and its credentials, in the environment only. */
function s3Backend(options: S3TestServerOptions = {}): StoreBackend & { env(overrides?: S3Env): () => void } {
  let server: S3TestServer | undefined
  let restoreEnv: (() => void) | undefined
  const running = () => {
    if (!server) throw new Error('the S3 test server is not running')
    return server
  }
  const env = (overrides: S3Env = {}) => {
    const { endpoint, bucket, credentials } = running()
    return setEnv({
      TAKES_S3_BUCKET: bucket,
      TAKES_S3_ENDPOINT: endpoint,
      TAKES_S3_FORCE_PATH_STYLE: '1',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      ...overrides,
    })
  }
  return {
    name: 'S3',
    env,
    async setUp() {
      server = await startS3Server('takes-test', options)
      restoreEnv = env()
      resetOutputStore()
    },
    async tearDown() {
      restoreEnv?.()
      resetOutputStore()
      await server?.stop()
      server = undefined
    },
    async stored(dir) {
      const prefix = `${dir}/`
      return (await running().keysUnder(prefix)).map((key) => key.slice(prefix.length))
    },
    storedAs: (names) => [...names].sort(),
  }
}

describe.each([diskBackend, s3Backend()])('output store on $name', (backend) => {
  let store: OutputStore
  beforeAll(() => backend.setUp(), SLOW)
  afterAll(() => backend.tearDown(), SLOW)
  beforeEach(() => {
    store = outputStore()
  })

  it('is the store the environment chooses', () => {
    expect(store).toBeInstanceOf(backend === diskBackend ? LocalDiskStore : S3Store)
  })

  it('rejects keys that could leave its directory or reach its own files', async () => {
    const bad = ['../secret', '../../etc/passwd', 'a/../b', 'a/..', 'a/.', '..', 'a', 'a/b/c', '/a/b', 'a/.hidden', 'a\\b/c', 'a b/c', '%2e%2e/x', '', 'a/']
    for (const key of bad) {
      await expect(store.put(key, new Uint8Array([1]), 'text/plain'), key).rejects.toThrow(/Invalid output key/)
      expect((await store.serve(key, null)).status, key).toBe(404)
    }
    await expect(store.deletePrefix('../')).rejects.toThrow(/Invalid output prefix/)
    await expect(store.deletePrefix('')).rejects.toThrow(/Invalid output prefix/)
    await expect(store.deletePrefix('abc')).rejects.toThrow(/Invalid output prefix/)
    // Through the route too: the path segments are joined and checked the same way.
    expect((await getOutput(new Request('http://studio.test/x'), { params: Promise.resolve({ key: ['..', 'data', 'x'] }) })).status).toBe(404)
    expect((await getOutput(new Request('http://studio.test/x'), { params: Promise.resolve({ key: ['a', '..'] }) })).status).toBe(404)
  })

  it('writes whole files, serves them with ranges and caching, and 404s what is missing', async () => {
    const take = newTakeId()
    const key = `${take}/video.mp4`
    const source = path.join(work, `source-${take}.mp4`)
    await writeFile(source, smallMp4)
    await store.put(key, source, 'video/mp4')
    expect(await readFile(source)).toEqual(smallMp4) // the source is copied, not moved
    // Only the file (and what the store keeps beside it): no temporary files.
    expect(await backend.stored(take)).toEqual(backend.storedAs(['video.mp4']))

    const whole = await fetchOutput(key)
    expect(whole.status).toBe(200)
    expect(whole.headers.get('content-type')).toBe('video/mp4')
    expect(whole.headers.get('content-length')).toBe(String(smallMp4.byteLength))
    expect(whole.headers.get('accept-ranges')).toBe('bytes')
    expect(whole.headers.get('cache-control')).toBe('private, max-age=31536000, immutable')
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(smallMp4)

    const part = await fetchOutput(key, { range: 'bytes=100-199' })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${smallMp4.byteLength}`)
    expect(part.headers.get('content-length')).toBe('100')
    expect(Buffer.from(await part.arrayBuffer())).toEqual(smallMp4.subarray(100, 200))

    const tail = await fetchOutput(key, { range: 'bytes=-16' })
    expect(tail.status).toBe(206)
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(smallMp4.subarray(-16))

    const beyond = await fetchOutput(key, { range: `bytes=${smallMp4.byteLength}-` })
    expect(beyond.status).toBe(416)
    expect(beyond.headers.get('content-range')).toBe(`bytes */${smallMp4.byteLength}`)

    const head = await headOutput(new Request(`http://studio.test${outputUrl(key)}`, { method: 'HEAD' }), {
      params: Promise.resolve({ key: key.split('/') }),
    })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String(smallMp4.byteLength))
    expect(head.body).toBeNull()

    expect((await fetchOutput(`${take}/poster.jpg`)).status).toBe(404)
    expect((await fetchOutput(`${newTakeId()}/video.mp4`)).status).toBe(404)

    // Bytes as well as files; overwriting replaces the bytes and the type (served as a download: it is not media).
    await store.put(key, new TextEncoder().encode('replaced'), 'text/plain')
    const replaced = await store.serve(key, null)
    expect(replaced.headers.get('content-type')).toBe('application/octet-stream')
    expect(replaced.headers.get('content-disposition')).toBe('attachment; filename="video.mp4"')
    expect(await replaced.text()).toBe('replaced')
    expect(await backend.stored(take)).toEqual(backend.storedAs(['video.mp4']))
  })

  it('deletes by prefix: a whole take, or the names in it that start with a prefix', async () => {
    const [a, b] = [newTakeId(), newTakeId()]
    const bytes = new Uint8Array([1, 2, 3])
    await Promise.all([
      store.put(`${a}/video.mp4`, bytes, 'video/mp4'),
      store.put(`${a}/poster.jpg`, bytes, 'image/jpeg'),
      store.put(`${b}/video.mp4`, bytes, 'video/mp4'),
      store.put(`${b}/poster.jpg`, bytes, 'image/jpeg'),
    ])
    expect(await backend.stored(b)).toEqual(backend.storedAs(['poster.jpg', 'video.mp4']))
    await store.deletePrefix(`${b}/post`)
    expect((await store.serve(`${b}/poster.jpg`, null)).status).toBe(404)
    expect((await store.serve(`${b}/video.mp4`, null)).status).toBe(200)
    expect(await backend.stored(b)).toEqual(backend.storedAs(['video.mp4']))

    await store.deletePrefix(`${a}/`)
    expect((await store.serve(`${a}/video.mp4`, null)).status).toBe(404)
    expect(await backend.stored(a)).toEqual([])
    expect((await store.serve(`${b}/video.mp4`, null)).status).toBe(200)
    expect(await backend.stored(b)).toEqual(backend.storedAs(['video.mp4']))
    await store.deletePrefix(`${newTakeId()}/`) // nothing there: fine
  })

  describe('keeping a take output', () => {
    it('keeps a data: URI output with a poster frame', async () => {
      const take = newTakeId()
      const output = falOutput(`data:video/mp4;base64,${smallMp4.toString('base64')}`)
      const kept = await keepTakeOutput(take, output)
      expect(kept).toEqual({ videoKey: `${take}/video.mp4`, posterKey: `${take}/poster.jpg` })
      const video = await fetchOutput(`${take}/video.mp4`)
      expect(video.headers.get('content-type')).toBe('video/mp4')
      expect(Buffer.from(await video.arrayBuffer())).toEqual(smallMp4)
      await expectJpegOfWidth(await fetchOutput(`${take}/poster.jpg`), 320, 180)
    }, SLOW)

    it('keeps an http output, scaling the poster to 640 wide; again overwrites the same keys', async () => {
      const take = newTakeId()
      const output = falOutput(`${origin}/large.mp4`)
      const first = await keepTakeOutput(take, output)
      expect(first).toEqual({ videoKey: `${take}/video.mp4`, posterKey: `${take}/poster.jpg` })
      const video = await fetchOutput(`${take}/video.mp4`)
      expect(Buffer.from(await video.arrayBuffer())).toEqual(largeMp4)
      const videoFile = await saveBody(await fetchOutput(`${take}/video.mp4`), `kept-${take}.mp4`)
      expect((await probeJson(videoFile)).streams[0]).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 })
      await expectJpegOfWidth(await fetchOutput(`${take}/poster.jpg`), 640, 360)

      const again = await keepTakeOutput(take, output)
      expect(again).toEqual(first)
      expect(await backend.stored(take)).toEqual(backend.storedAs(['poster.jpg', 'video.mp4']))
      expect(Buffer.from(await (await fetchOutput(`${take}/video.mp4`)).arrayBuffer())).toEqual(largeMp4)

      await deleteTakeOutput(take)
      expect((await fetchOutput(`${take}/video.mp4`)).status).toBe(404)
      expect((await fetchOutput(`${take}/poster.jpg`)).status).toBe(404)
      expect(await backend.stored(take)).toEqual([])
    }, SLOW)

    it('takes the extension from the content type', async () => {
      const take = newTakeId()
      const kept = await keepTakeOutput(take, falOutput(`${origin}/octet`, 'video/quicktime'))
      expect(kept.videoKey).toBe(`${take}/video.mov`)
      expect((await fetchOutput(`${take}/video.mov`)).headers.get('content-type')).toBe('video/quicktime')
      const guessed = await keepTakeOutput(newTakeId(), falOutput(`${origin}/octet`, null))
      expect(guessed.videoKey).toMatch(/\/video\.mp4$/)
    }, SLOW)

    it('returns nulls when the output has no video', async () => {
      const take = newTakeId()
      expect(await keepTakeOutput(take, { images: [{ url: `${origin}/small.mp4` }], seed: 1 })).toEqual({ videoKey: null, posterKey: null })
      expect(await keepTakeOutput(take, { video: null })).toEqual({ videoKey: null, posterKey: null })
      expect(await keepTakeOutput(take, { video: { url: 42 } })).toEqual({ videoKey: null, posterKey: null })
      expect(await backend.stored(take)).toEqual([])
    })

    it('throws a clear error when the download fails, keeping nothing', async () => {
      const take = newTakeId()
      // A private temporary directory, so that other test runs' downloads are not counted below.
      const savedTmp = process.env.TMPDIR
      const tmp = path.join(work, `tmp-${take}`)
      await mkdir(tmp, { recursive: true })
      process.env.TMPDIR = tmp
      onTestFinished(() => {
        if (savedTmp === undefined) delete process.env.TMPDIR
        else process.env.TMPDIR = savedTmp
      })
      const attempt = (url: string, options: Parameters<typeof keepTakeOutput>[2] = {}) => keepTakeOutput(take, falOutput(url), options)
      await expect(attempt(`${origin}/missing.mp4`)).rejects.toThrow(/^could not read the output video at video\.url: the server answered HTTP 404$/)
      await expect(attempt(`${origin}/html`)).rejects.toThrow(/not an MP4 or WebM file/)
      await expect(attempt(`${origin}/huge`, { maxBytes: 1024 * 1024 })).rejects.toThrow(/larger than 1 MB/)
      await expect(attempt(`${origin}/endless`, { maxBytes: 1024 * 1024 })).rejects.toThrow(/larger than 1 MB/)
      await expect(attempt(`${origin}/stall`, { idleTimeoutMs: 300 })).rejects.toThrow(/stalled for 0\.3 s/)
      await expect(attempt(`${origin}/stall`, { timeoutMs: 300 })).rejects.toThrow(/took longer than 0\.3 s/)
      await expect(attempt('http://127.0.0.1:1/closed.mp4')).rejects.toThrow(KeepOutputError)
      await expect(attempt(`http://localhost:${new URL(origin).port}/small.mp4`)).rejects.toThrow(/address is not allowed/)
      await expect(attempt('ftp://example.com/x.mp4')).rejects.toThrow(/not http\(s\)/)
      await expect(attempt('data:video/mp4;base64,')).rejects.toThrow(/empty/)
      await expect(keepTakeOutput('../escape', falOutput(`${origin}/small.mp4`))).rejects.toThrow(/Invalid output key/)
      expect(await backend.stored(take)).toEqual([])
      // No temporary download is left behind.
      expect(os.tmpdir()).toBe(tmp)
      expect(await readdir(tmp)).toEqual([])
    }, SLOW)

    it('keeps the video without a poster when no frame can be decoded', async () => {
      const take = newTakeId()
      // An MP4 signature and then nothing decodable.
      const broken = Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from('ftypisom'), Buffer.alloc(4)])
      const kept = await keepTakeOutput(take, falOutput(`data:video/mp4;base64,${broken.toString('base64')}`))
      expect(kept).toEqual({ videoKey: `${take}/video.mp4`, posterKey: null })
      expect(await backend.stored(take)).toEqual(backend.storedAs(['video.mp4']))
    }, SLOW)
  })
})

describe('local disk store', () => {
  beforeAll(() => diskBackend.setUp())

  it('keeps nothing outside its directory, and removes a deleted take’s directory', async () => {
    const store = outputStore()
    await expect(store.put('../secret', new Uint8Array([1]), 'text/plain')).rejects.toThrow(/Invalid output key/)
    expect(existsSync(path.join(dataDir, 'secret'))).toBe(false)
    const take = newTakeId()
    await store.put(`${take}/video.mp4`, new Uint8Array([1, 2, 3]), 'video/mp4')
    expect(existsSync(path.join(dataDir, 'outputs', take))).toBe(true)
    await store.deletePrefix(`${take}/`)
    expect(existsSync(path.join(dataDir, 'outputs', take))).toBe(false)
  })
})

describe('S3 store', () => {
  // Signatures checked: only object requests below (see checkSignatures).
  const s3 = s3Backend({ checkSignatures: true })
  beforeAll(() => s3.setUp(), SLOW)
  afterAll(() => s3.tearDown(), SLOW)

  it('signs with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the environment, and is refused without the right ones', async () => {
    const key = `${newTakeId()}/poster.jpg`
    const putWith = async (overrides: S3Env) => {
      const restore = s3.env(overrides)
      try {
        const fromEnv = outputStoreFromEnv()
        expect(fromEnv).toBeInstanceOf(S3Store)
        await fromEnv.put(key, new Uint8Array([0xff, 0xd8, 0xff]), 'image/jpeg')
      } finally {
        restore()
      }
    }
    await expect(putWith({ AWS_ACCESS_KEY_ID: `unknown-${newTakeId()}` })).rejects.toThrow(/access key id you provided does not exist/i)
    await expect(putWith({ AWS_SECRET_ACCESS_KEY: 'wrong' })).rejects.toThrow(/signature we calculated does not match/i)
    expect((await outputStore().serve(key, null)).status).toBe(404) // nothing was stored

    await putWith({})
    const served = await outputStore().serve(key, 'bytes=1-')
    expect(served.status).toBe(206)
    expect([...new Uint8Array(await served.arrayBuffer())]).toEqual([0xd8, 0xff])
  }, SLOW)
})
