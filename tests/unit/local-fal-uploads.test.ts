import { createHash } from 'node:crypto'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createFalClient } from '@fal-ai/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { catalog } from '@/lib/endpoints'
import { LocalFalEngine } from '@/lib/local-fal/engine'
import { handleLocalFal } from '@/lib/local-fal/http'
import { runFfmpeg } from '@/lib/media/media-tools'

// fal's storage upload, as @fal-ai/client's storage code speaks it (node_modules/@fal-ai/client/src/storage.js):
// up to 90 MB `initiate` then one PUT; above, `initiate-multipart`, 10 MB parts PUT to `{upload_url}/{n}`
// (each answering its ETag), then `POST {upload_url}/complete` with `{ parts: [{ partNumber, etag }] }`.

const ORIGIN = 'http://127.0.0.1:3000'
const BASE = `${ORIGIN}/api/local-fal`
const MB = 1024 * 1024

let dir = ''
let mp4: Uint8Array
let engine: LocalFalEngine
/** Each call fal's client made: method and path. */
let calls: string[] = []

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'takes-fal-uploads-'))
  const clip = path.join(dir, 'clip.mp4')
  await runFfmpeg(['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=64x64:rate=10:duration=0.3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip])
  mp4 = new Uint8Array(await readFile(clip))
  engine = new LocalFalEngine({ dataDir: path.join(dir, 'sim'), concurrency: 1, minRenderMs: 0, controlEnabled: true }, catalog)
  await engine.init()
}, 60_000)

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** fal's hosts, answered by the simulator (as the fal double's front door maps them). */
function simulatorUrl(url: string): string {
  return url.replace('https://rest.fal.ai', `${BASE}/rest`).replace('https://queue.fal.run', `${BASE}/queue`)
}

const fal = createFalClient({
  credentials: 'local',
  fetch: async (input, init) => {
    const url = simulatorUrl(input instanceof Request ? input.url : String(input))
    calls.push(`${init?.method ?? 'GET'} ${new URL(url).pathname.replace(/[a-f0-9-]{36}/, '<id>')}`)
    return handleLocalFal(engine, new Request(url, init))
  },
})

function md5(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex')
}

/** A "video" of `size` bytes: a real MP4 head (what the simulator sniffs), then filler that differs by position. */
function bigVideo(size: number): Uint8Array {
  const bytes = new Uint8Array(size)
  for (let at = 0; at < size; at += 4096) bytes[at] = (at / 4096) % 251
  bytes.set(mp4)
  return bytes
}

async function served(url: string): Promise<Uint8Array> {
  const response = await handleLocalFal(engine, new Request(url))
  expect(response.status).toBe(200)
  return new Uint8Array(await response.arrayBuffer())
}

async function initiateMultipart(): Promise<{ upload_url: string; file_url: string }> {
  const response = await handleLocalFal(
    engine,
    new Request(`${BASE}/rest/storage/upload/initiate-multipart?storage_type=fal-cdn-v3`, { method: 'POST', body: JSON.stringify({ content_type: 'video/mp4', file_name: 'clip.mp4' }) }),
  )
  expect(response.status).toBe(200)
  // An API answer: never cached, and never compressed by Next (a server reads it).
  expect(response.headers.get('cache-control')).toBe('no-store, no-transform')
  return (await response.json()) as { upload_url: string; file_url: string }
}

async function putPart(uploadUrl: string, partNumber: number, bytes: Uint8Array): Promise<{ status: number; etag: string; header: string | null }> {
  const response = await handleLocalFal(engine, new Request(`${uploadUrl}/${partNumber}`, { method: 'PUT', body: new Blob([new Uint8Array(bytes)]) }))
  const body = (await response.json()) as { partNumber: number; etag: string }
  if (response.ok) expect(body.partNumber).toBe(partNumber)
  return { status: response.status, etag: body.etag, header: response.headers.get('etag') }
}

function complete(uploadUrl: string, parts: { partNumber: number; etag: string }[] | undefined): Promise<Response> {
  return handleLocalFal(
    engine,
    new Request(`${uploadUrl}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: parts === undefined ? '' : JSON.stringify({ parts }) }),
  )
}

describe('uploads through fal’s client', () => {
  it('a file up to 90 MB: initiate, then one PUT of the bytes; the file URL serves them', async () => {
    calls = []
    const url = await fal.storage.upload(new Blob([new Uint8Array(mp4)], { type: 'video/mp4' }))
    expect(calls).toEqual(['POST /api/local-fal/rest/storage/upload/initiate', 'PUT /api/local-fal/files/upload/<id>'])
    expect(await served(url)).toEqual(mp4)
  })

  it('a file over 90 MB: initiate-multipart, 10 MB parts, complete; the file is the parts joined', async () => {
    calls = []
    const size = 91 * MB + 12_345
    const bytes = bigVideo(size)
    const uploadsBefore = engine.counters.uploads
    const url = await fal.storage.upload(new Blob([new Uint8Array(bytes)], { type: 'video/mp4' }))
    const parts = Math.ceil(size / (10 * MB))
    expect(parts).toBe(10)
    expect(calls).toEqual([
      'POST /api/local-fal/rest/storage/upload/initiate-multipart',
      ...Array.from({ length: parts }, (_, index) => `PUT /api/local-fal/files/upload/<id>/${index + 1}`),
      'POST /api/local-fal/files/upload/<id>/complete',
    ])
    expect(engine.counters.uploads).toBe(uploadsBefore + 1)
    const kept = await served(url)
    expect(kept.byteLength).toBe(size)
    expect(md5(kept)).toBe(md5(bytes))
  }, 120_000)
})

describe('multipart uploads, part by part', () => {
  it('answers each part with its ETag (the MD5 of its bytes), in the body and the ETag header', async () => {
    const { upload_url } = await initiateMultipart()
    const part = await putPart(upload_url, 1, mp4)
    expect(part).toEqual({ status: 200, etag: md5(mp4), header: `"${md5(mp4)}"` })
  })

  it('refuses a complete that lists a stale ETag, a part too few, or nothing; keeps the upload open until it is right', async () => {
    const { upload_url, file_url } = await initiateMultipart()
    const half = Math.floor(mp4.byteLength / 2)
    const first = await putPart(upload_url, 1, mp4.subarray(0, half))
    const second = await putPart(upload_url, 2, new Uint8Array(mp4.byteLength - half))
    // Part 2 sent again with its real bytes: the ETag of the first attempt no longer names it.
    const resent = await putPart(upload_url, 2, mp4.subarray(half))
    expect(resent.etag).not.toBe(second.etag)

    for (const listed of [
      [{ partNumber: 1, etag: first.etag }, { partNumber: 2, etag: second.etag }],
      [{ partNumber: 1, etag: first.etag }],
      [{ partNumber: 2, etag: resent.etag }, { partNumber: 1, etag: first.etag }],
      [],
      undefined,
    ]) {
      const refused = await complete(upload_url, listed)
      expect(refused.status, JSON.stringify(listed)).toBe(400)
      expect(((await refused.json()) as { error_type: string }).error_type).toBe('invalid_part')
      expect((await handleLocalFal(engine, new Request(file_url))).status).toBe(404)
    }

    const done = await complete(upload_url, [{ partNumber: 1, etag: first.etag }, { partNumber: 2, etag: `"${resent.etag}"` }])
    expect(done.status).toBe(200)
    expect(await served(file_url)).toEqual(mp4)
    // Nothing of the parts is left beside the file.
    const id = /files\/([a-f0-9-]{36})/.exec(file_url)![1]!
    const left = (await readdir(path.join(dir, 'sim', 'files'), { recursive: true })).filter((name) => name.includes(id))
    expect(left.sort()).toEqual([`${id}.bin`, `${id}.json`])
  })
})
