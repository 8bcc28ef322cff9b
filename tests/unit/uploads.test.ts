import { createHash } from 'node:crypto'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { FILE_CONTENT_SECURITY_POLICY, MEDIA_CONTENT_SECURITY_POLICY, fileResponseHeaders } from '@/lib/http/file-headers'
import { isMediaType } from '@/lib/http/media-type'
import { FileStore, UploadRefusal } from '@/lib/local-fal/files'
import { runFfmpeg } from '@/lib/media/media-tools'
import { sniffMedia } from '@/lib/local-fal/upload-sniff'
import { LocalDiskStore } from '@/lib/storage/local-disk-store'

const LIMIT = 64 * 1024

let work: string
let mp4: Uint8Array
let png: Uint8Array

const HTML = new TextEncoder().encode('<!doctype html><html><body><script>fetch("http://127.0.0.1:9/hit")</script></body></html>')
const SVG = new TextEncoder().encode(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="fetch(\'http://127.0.0.1:9/hit\')"><script>window.ran = 1</script></svg>',
)
/** Starts as a GIF (so it sniffs as one) and goes on as a page: a polyglot. */
const POLYGLOT = new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00\x00;<html><script>window.ran = 1</script></html>')

/** A body that yields `total` bytes in `chunk`-sized pieces on demand, counting what was pulled. */
function countedStream(total: number, chunk = 8 * 1024, head: Uint8Array = png): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0
  // No read-ahead (highWaterMark 0): a byte is pulled only when the reader asks for it.
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent >= total) return controller.close()
        const size = Math.min(chunk, total - sent)
        const bytes = new Uint8Array(size)
        if (sent === 0) bytes.set(head.subarray(0, size))
        sent += size
        controller.enqueue(bytes)
      },
    },
    { highWaterMark: 0 },
  )
  return { body, pulled: () => sent }
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new Blob([new Uint8Array(bytes)]).stream()
}

async function refusal(work: Promise<unknown>): Promise<UploadRefusal> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(UploadRefusal)
  return error as UploadRefusal
}

async function newStore(): Promise<{ files: FileStore; dir: string }> {
  const dir = await mkdtemp(path.join(work, 'files-'))
  const files = new FileStore(dir, LIMIT)
  await files.init()
  return { files, dir }
}

/** The names on disk that belong to upload `id` (its data, meta, parts or temporary files). */
async function leftOf(dir: string, id: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).filter((name) => name.includes(id) || name.endsWith('.tmp'))
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'takes-uploads-'))
  const video = path.join(work, 'clip.mp4')
  const still = path.join(work, 'still.png')
  await runFfmpeg(['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=64x64:rate=10:duration=0.3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', video])
  await runFfmpeg(['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=64x64', '-frames:v', '1', still])
  ;[mp4, png] = (await Promise.all([readFile(video), readFile(still)])).map((bytes) => new Uint8Array(bytes)) as [Uint8Array, Uint8Array]
}, 60_000)

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('media types', () => {
  it('takes video, audio and raster images, with or without parameters, never SVG, XML or HTML', () => {
    for (const type of ['video/mp4', 'Video/WebM', 'audio/mpeg', 'audio/ogg; codecs=opus', 'image/png', 'image/jpeg']) expect(isMediaType(type), type).toBe(true)
    for (const type of ['image/svg+xml', 'image/svg', 'image/svg+xml; charset=utf-8', 'video/x-foo+xml', 'text/html', 'application/xml', 'application/octet-stream', 'text/javascript', 'image/', '', null, undefined]) {
      expect(isMediaType(type), String(type)).toBe(false)
    }
  })

  it('sniffs media from the bytes and nothing else: HTML, SVG, XML, scripts, archives and unknown bytes are not media', async () => {
    expect(await sniffMedia(mp4)).toEqual({ mime: 'video/mp4', ext: 'mp4' })
    expect(await sniffMedia(png)).toEqual({ mime: 'image/png', ext: 'png' })
    // An MP3 whose ID3 tag runs past the sample is still an MP3.
    expect(await sniffMedia(Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f, ...new Uint8Array(64)]))).toEqual({ mime: 'audio/mpeg', ext: 'mp3' })
    const enc = new TextEncoder()
    const notMedia = [
      HTML,
      SVG,
      enc.encode('<?xml version="1.0"?><root/>'),
      enc.encode('alert(document.cookie)'),
      Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...new Uint8Array(40)]), // zip
      enc.encode('%PDF-1.7\n'),
      new Uint8Array(0),
      crypto.getRandomValues(new Uint8Array(4096)),
    ]
    for (const bytes of notMedia) expect(await sniffMedia(bytes)).toBeUndefined()
  })
})

describe('serving headers', () => {
  it('plays media inline and sends anything else as a download, never as a page, with nosniff and a sandboxing policy', () => {
    expect(fileResponseHeaders('video/mp4', 'clip.mp4')).toEqual({
      'content-type': 'video/mp4',
      'content-disposition': 'inline; filename="clip.mp4"',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox allow-same-origin",
    })
    for (const type of ['text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/javascript', 'application/json', undefined]) {
      const headers = fileResponseHeaders(type, 'a".html')
      expect(headers['content-type'], String(type)).toBe('application/octet-stream')
      expect(headers['content-disposition']).toBe('attachment; filename="a_.html"')
      expect(headers['content-security-policy']).toBe(FILE_CONTENT_SECURITY_POLICY)
    }
  })

  it('kept outputs get the same headers, whatever type was stored with them', async () => {
    const store = new LocalDiskStore(path.join(work, 'outputs'))
    await store.put('take1/video.mp4', mp4, 'video/mp4')
    await store.put('take1/page.html', HTML, 'text/html')
    await store.put('take1/vector.svg', SVG, 'image/svg+xml')
    const video = await store.serve('take1/video.mp4', 'bytes=0-9')
    expect(video.status).toBe(206)
    expect(video.headers.get('content-type')).toBe('video/mp4')
    expect(video.headers.get('content-disposition')).toBe('inline; filename="video.mp4"')
    expect(video.headers.get('content-security-policy')).toBe(MEDIA_CONTENT_SECURITY_POLICY)
    for (const key of ['take1/page.html', 'take1/vector.svg']) {
      const response = await store.serve(key, null)
      expect(response.headers.get('content-type')).toBe('application/octet-stream')
      expect(response.headers.get('content-disposition')).toMatch(/^attachment;/)
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('content-security-policy')).toBe(FILE_CONTENT_SECURITY_POLICY)
      await response.body?.cancel()
    }
  })
})

describe('simulator uploads', () => {
  it('keeps a media upload under the type its bytes are, not the one its name or sender claimed', async () => {
    const { files } = await newStore()
    const { id } = await files.reserve('trick.html')
    await files.write(id, { body: streamOf(mp4) })
    expect(await files.meta(id)).toEqual({ contentType: 'video/mp4', fileName: 'trick.mp4', size: mp4.byteLength })
    const whole = await files.serve(id, null)
    expect(whole.headers.get('content-type')).toBe('video/mp4')
    expect(whole.headers.get('content-disposition')).toBe('inline; filename="trick.mp4"')
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(mp4)
    const part = await files.serve(id, 'bytes=4-11')
    expect(part.status).toBe(206)
    expect(await part.text()).toBe('ftypisom')
  })

  it('refuses HTML, SVG and other non-media bytes with 415 and keeps nothing of them', async () => {
    const { files, dir } = await newStore()
    for (const bytes of [HTML, SVG, new TextEncoder().encode('not media at all')]) {
      const { id } = await files.reserve('clip.mp4')
      const refused = await refusal(files.write(id, { body: streamOf(bytes), declaredLength: bytes.byteLength }))
      expect(refused.status).toBe(415)
      expect(refused.message).toMatch(/Only video, audio and image files/)
      expect(await leftOf(dir, id)).toEqual([])
      expect((await files.serve(id, null)).status).toBe(404)
    }
  })

  it('keeps a polyglot only as the image it starts as (served as image/gif with nosniff, never as a page)', async () => {
    const { files } = await newStore()
    const { id } = await files.reserve('page.html')
    await files.write(id, { body: streamOf(POLYGLOT) })
    const served = await files.serve(id, null)
    expect(served.headers.get('content-type')).toBe('image/gif')
    expect(served.headers.get('content-security-policy')).toBe(MEDIA_CONTENT_SECURITY_POLICY)
    expect(served.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('serves a file stored before uploads were sniffed (declared text/html) as a download', async () => {
    const { files, dir } = await newStore()
    const { id } = await files.reserve('old.html')
    await writeFile(path.join(dir, `${id}.bin`), HTML)
    await writeFile(path.join(dir, `${id}.json`), JSON.stringify({ contentType: 'text/html', fileName: 'old.html' }))
    const served = await files.serve(id, null)
    expect(served.headers.get('content-type')).toBe('application/octet-stream')
    expect(served.headers.get('content-disposition')).toBe('attachment; filename="old.html"')
  })

  it('stops reading a body without Content-Length at the limit: 413, the rest never read, nothing kept', async () => {
    const { files, dir } = await newStore()
    const { id } = await files.reserve('big.png')
    const stream = countedStream(100 * LIMIT)
    const refused = await refusal(files.write(id, { body: stream.body }))
    expect(refused.status).toBe(413)
    expect(stream.pulled()).toBeLessThan(LIMIT + 4 * 8 * 1024)
    expect(await leftOf(dir, id)).toEqual([])
  })

  it('refuses a declared Content-Length over the limit before reading a byte', async () => {
    const { files, dir } = await newStore()
    const { id } = await files.reserve('big.png')
    const stream = countedStream(LIMIT + 1)
    expect((await refusal(files.write(id, { body: stream.body, declaredLength: LIMIT + 1 }))).status).toBe(413)
    expect(stream.pulled()).toBe(0)
    expect(await leftOf(dir, id)).toEqual([])
  })

  it('counts the bytes, not the declared length: a body longer than it says is still stopped at the limit', async () => {
    const { files, dir } = await newStore()
    const { id } = await files.reserve('big.png')
    const stream = countedStream(2 * LIMIT)
    expect((await refusal(files.write(id, { body: stream.body, declaredLength: 10 }))).status).toBe(413)
    expect(await leftOf(dir, id)).toEqual([])
  })

  it('keeps a file of exactly the limit', async () => {
    const { files } = await newStore()
    const { id } = await files.reserve('exact.png')
    await files.write(id, { body: countedStream(LIMIT).body })
    expect(await files.meta(id)).toMatchObject({ contentType: 'image/png', size: LIMIT })
  })

  it('never rewrites a kept file', async () => {
    const { files } = await newStore()
    const { id } = await files.reserve('clip.mp4')
    await files.write(id, { body: streamOf(mp4) })
    expect((await refusal(files.write(id, { body: streamOf(png) }))).status).toBe(409)
    expect((await refusal(files.writePart(id, 1, { body: streamOf(png) }))).status).toBe(409)
    expect(new Uint8Array(await (await files.serve(id, null)).arrayBuffer())).toEqual(mp4)
  })

  it('refuses an unknown or malformed upload id with 404', async () => {
    const { files } = await newStore()
    expect((await refusal(files.write('00000000-0000-0000-0000-000000000000', { body: streamOf(png) }))).status).toBe(404)
    expect((await refusal(files.write('../../etc/passwd', { body: streamOf(png) }))).status).toBe(404)
  })
})

describe('simulator multipart uploads', () => {
  it('joins parts 1…N into the file, sniffed from part 1', async () => {
    const { files, dir } = await newStore()
    const { id } = await files.reserve('clip.mp4')
    const half = Math.floor(mp4.byteLength / 2)
    const etag = createHash('md5').update(mp4.subarray(half)).digest('hex')
    expect(await files.writePart(id, 2, { body: streamOf(mp4.subarray(half)) })).toEqual({ partNumber: 2, etag })
    await files.writePart(id, 1, { body: streamOf(mp4.subarray(0, half)) })
    await files.completeParts(id)
    expect(new Uint8Array(await (await files.serve(id, null)).arrayBuffer())).toEqual(mp4)
    expect(await files.meta(id)).toMatchObject({ contentType: 'video/mp4' })
    expect(await leftOf(dir, id)).toEqual([`${id}.bin`, `${id}.json`].sort())
  })

  it('counts parts against one file: the part that takes the sum past the limit is refused (413) and nothing is kept', async () => {
    const { files, dir } = await newStore()
    const { id } = await files.reserve('big.png')
    const third = Math.ceil(LIMIT / 3)
    await files.writePart(id, 1, { body: countedStream(third).body })
    await files.writePart(id, 2, { body: countedStream(third).body })
    const last = countedStream(10 * third)
    expect((await refusal(files.writePart(id, 3, { body: last.body }))).status).toBe(413)
    expect(last.pulled()).toBeLessThan(LIMIT)
    expect(await leftOf(dir, id)).toEqual([])
    expect((await refusal(files.completeParts(id))).status).toBe(404)
  })

  it('counts a part sent again at its new size, so re-sending parts cannot pass the limit', async () => {
    const { files, dir } = await newStore()
    const { id } = await files.reserve('big.png')
    const half = LIMIT / 2
    await files.writePart(id, 1, { body: countedStream(half).body })
    await files.writePart(id, 2, { body: countedStream(half).body })
    // The same size again is fine (a retried part replaces itself)…
    await files.writePart(id, 2, { body: countedStream(half).body })
    // …a bigger one is not.
    expect((await refusal(files.writePart(id, 2, { body: countedStream(half + 1).body }))).status).toBe(413)
    expect(await leftOf(dir, id)).toEqual([])
  })

  it('sums parts sent at the same time against one budget', async () => {
    const { files, dir } = await newStore()
    const { id } = await files.reserve('big.png')
    const part = Math.ceil(LIMIT / 3) + 1
    const outcomes = await Promise.allSettled([1, 2, 3].map((number) => files.writePart(id, number, { body: countedStream(part).body })))
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected')
    expect(refused.length).toBeGreaterThan(0)
    expect(refused.every((outcome) => outcome.reason instanceof UploadRefusal && [404, 413].includes(outcome.reason.status))).toBe(true)
    expect(await leftOf(dir, id)).toEqual([])
  })

  it('refuses a declared part length over what the other parts left, before reading it', async () => {
    const { files } = await newStore()
    const { id } = await files.reserve('big.png')
    await files.writePart(id, 1, { body: countedStream(LIMIT - 10).body })
    const next = countedStream(11)
    expect((await refusal(files.writePart(id, 2, { body: next.body, declaredLength: 11 }))).status).toBe(413)
    expect(next.pulled()).toBe(0)
  })

  it('refuses a first part that is not media (415) and keeps nothing', async () => {
    const { files, dir } = await newStore()
    const { id } = await files.reserve('clip.mp4')
    expect((await refusal(files.writePart(id, 1, { body: streamOf(SVG) }))).status).toBe(415)
    expect(await leftOf(dir, id)).toEqual([])
  })

  it('refuses a completion with parts missing or none, and part numbers out of range', async () => {
    const { files } = await newStore()
    const empty = await files.reserve('clip.mp4')
    expect((await refusal(files.completeParts(empty.id))).status).toBe(400)
    const gap = await files.reserve('clip.mp4')
    await files.writePart(gap.id, 1, { body: streamOf(mp4) })
    await files.writePart(gap.id, 3, { body: streamOf(mp4) })
    expect((await refusal(files.completeParts(gap.id))).status).toBe(400)
    const range = await files.reserve('clip.mp4')
    expect((await refusal(files.writePart(range.id, 0, { body: streamOf(mp4) }))).status).toBe(400)
    expect((await refusal(files.writePart(range.id, 1_000_000, { body: streamOf(mp4) }))).status).toBe(400)
  })
})
