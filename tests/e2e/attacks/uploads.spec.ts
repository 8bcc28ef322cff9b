import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { E2E_DATA_DIR, E2E_MAX_UPLOAD_BYTES } from '../../../playwright.config'
import { finishedTake, submitTake, uploadClip, V2V } from '../submit'

// Uploads and the files the studio serves, against the e2e server (its simulator keeps uploads up to
// E2E_MAX_UPLOAD_BYTES). Every refusal is checked for what it left behind: nothing of the upload on
// disk, no file served, and — for files opened in Chromium — no request from a script to a listener
// on this machine.

const PROXY = '/api/fal/proxy'
const INITIATE = 'https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3'
const INITIATE_MULTIPART = 'https://rest.fal.ai/storage/upload/initiate-multipart?storage_type=fal-cdn-v3'
const FILES_DIR = path.join(E2E_DATA_DIR, 'local-fal', 'files')
const OUTPUTS_DIR = path.join(E2E_DATA_DIR, 'outputs')
const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0])

/** A listener on this machine: a script that ran from a served file would call it. */
interface Listener {
  url: string
  /** The paths it was asked for, in order. */
  hits: string[]
  /** Serves `html` as a page at `route` (for the control: the payloads do run where pages are allowed). */
  serve(route: string, html: string): void
  close(): Promise<void>
}

async function startListener(): Promise<Listener> {
  const hits: string[] = []
  const pages = new Map<string, string>()
  const server: Server = createServer((request, response) => {
    hits.push(request.url ?? '')
    const page = pages.get(request.url ?? '')
    response.writeHead(200, { 'content-type': page ? 'text/html' : 'text/plain', 'access-control-allow-origin': '*' })
    response.end(page ?? 'ok')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    serve: (route, html) => pages.set(route, html),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        // A browser keeps its connections open: closing waits for none of them.
        server.closeAllConnections()
      }),
  }
}

/** Markup whose scripts, if any ran, would call `listener` and set a global. */
function scriptedHtml(listener: Listener, tag: string): string {
  return `<html><body><script>window.__ran = '${tag}'; fetch('${listener.url}/hit-${tag}'); new Image().src = '${listener.url}/img-${tag}'</script><img src="x" onerror="fetch('${listener.url}/onerror-${tag}')"></body></html>`
}

function scriptedSvg(listener: Listener, tag: string): string {
  return `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="fetch('${listener.url}/onload-${tag}')"><script>fetch('${listener.url}/hit-${tag}')</script></svg>`
}

/**
 * Opens `url` in the page and proves no script of it ran: after it has loaded (or turned into a
 * download), the page goes to the listener's own control URL, and that is the only request the
 * listener ever saw.
 */
async function expectNoScriptRuns(page: Page, listener: Listener, url: string): Promise<{ download: boolean }> {
  const download = page.waitForEvent('download', { timeout: 10_000 }).then(
    () => true,
    () => false,
  )
  const opened = await page.goto(url).then(
    (response) => response,
    () => null,
  )
  const downloaded = opened ? false : await download
  await page.goto(`${listener.url}/control`)
  await expect.poll(() => listener.hits.includes('/control')).toBe(true)
  // (The browser asks the control page's origin for its icon.)
  expect(listener.hits.filter((hit) => hit !== '/favicon.ico')).toEqual(['/control'])
  return { download: downloaded }
}

/** The upload handshake through the studio's proxy, as the browser's fal client does it. */
function initiate(request: APIRequestContext, contentType: string, fileName: string, target = INITIATE) {
  return request.post(PROXY, { headers: { 'x-fal-target-url': target }, data: { content_type: contentType, file_name: fileName } })
}

async function reserve(request: APIRequestContext, contentType: string, fileName: string, target = INITIATE): Promise<{ uploadUrl: string; fileUrl: string; id: string }> {
  const response = await initiate(request, contentType, fileName, target)
  expect(response.status(), await response.text()).toBe(200)
  const { upload_url: uploadUrl, file_url: fileUrl } = (await response.json()) as { upload_url: string; file_url: string }
  const id = /\/files\/upload\/([a-f0-9-]{36})$/.exec(uploadUrl)?.[1]
  expect(id).toBeTruthy()
  return { uploadUrl, fileUrl, id: id! }
}

/** What the simulator holds of upload `id` (its data, meta, parts) and any temporary file. */
async function leftOnDisk(id: string): Promise<string[]> {
  const names = await readdir(FILES_DIR, { recursive: true })
  return names.filter((name) => name.includes(id) || name.endsWith('.tmp'))
}

/** Nothing of the upload is kept: no file on disk, its URL serves nothing. */
async function expectNothingKept(request: APIRequestContext, id: string, fileUrl: string) {
  // A refused stream's partial file is removed as the refusal unwinds, which may finish just after the answer.
  await expect.poll(() => leftOnDisk(id)).toEqual([])
  expect((await request.get(fileUrl)).status()).toBe(404)
}

/**
 * PUTs `total` bytes (starting with `head`) without a Content-Length (chunked), as fast as the
 * server reads them, and stops sending once it answers. The answer, and how much was sent.
 */
function putChunked(url: string, total: number, head: Uint8Array): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'PUT', headers: { 'content-type': 'image/png', 'transfer-encoding': 'chunked' } })
    let sent = 0
    let answered = false
    request.on('response', (response) => {
      answered = true
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body, sent })
        request.destroy()
      })
    })
    request.on('error', (error) => {
      if (!answered) reject(error)
    })
    const chunk = Buffer.alloc(64 * 1024)
    const pump = () => {
      while (!answered && sent < total) {
        const piece = sent === 0 ? Buffer.concat([head, chunk.subarray(head.byteLength)]) : chunk
        sent += piece.byteLength
        if (!request.write(piece)) {
          request.once('drain', pump)
          return
        }
      }
      if (!answered) request.end()
    }
    pump()
  })
}

let listener: Listener

test.beforeEach(async () => {
  listener = await startListener()
})

test.afterEach(async () => {
  await listener.close()
})

test('uploads: the script payloads used below do run when served as a page from elsewhere (control)', async ({ page }) => {
  listener.serve('/page', scriptedHtml(listener, 'control'))
  await page.goto(`${listener.url}/page`)
  await expect.poll(() => listener.hits.includes('/hit-control')).toBe(true)
})

test('uploads: an HTML page declared as video/mp4 is refused from its bytes (415), and nothing is kept', async ({ request }) => {
  const { uploadUrl, fileUrl, id } = await reserve(request, 'video/mp4', 'clip.mp4')
  const response = await request.put(uploadUrl, { headers: { 'content-type': 'video/mp4' }, data: Buffer.from(scriptedHtml(listener, 'html')) })
  expect(response.status()).toBe(415)
  expect(await response.json()).toMatchObject({ error_type: 'unsupported_file_type', detail: expect.stringContaining('Only video, audio and image files') })
  await expectNothingKept(request, id, fileUrl)
  expect(listener.hits).toEqual([])
})

test('uploads: an SVG with a script, declared as image/svg+xml, is refused at the handshake (415), nothing reserved', async ({ request }) => {
  const name = `vector-${randomUUID()}.svg`
  const response = await initiate(request, 'image/svg+xml', name)
  expect(response.status()).toBe(415)
  expect(await response.json()).toMatchObject({ detail: expect.stringContaining('image/svg+xml') })
  const metas = (await readdir(FILES_DIR)).filter((file) => file.endsWith('.json'))
  for (const meta of metas) expect(await readFile(path.join(FILES_DIR, meta), 'utf8')).not.toContain(name)
})

test('uploads: SVG bytes with a script, sent to an upload declared video/mp4 or image/png, are refused (415), nothing kept', async ({ request }) => {
  for (const declared of ['video/mp4', 'image/png']) {
    const { uploadUrl, fileUrl, id } = await reserve(request, declared, 'vector.svg')
    const response = await request.put(uploadUrl, { headers: { 'content-type': 'image/svg+xml' }, data: Buffer.from(scriptedSvg(listener, 'svg')) })
    expect(response.status(), declared).toBe(415)
    await expectNothingKept(request, id, fileUrl)
  }
  expect(listener.hits).toEqual([])
})

test('uploads: a polyglot (GIF bytes, then a page with scripts) is kept only as an image; opened by the owner in Chromium, no script runs', async ({ page, request }) => {
  const { uploadUrl, fileUrl } = await reserve(request, 'image/gif', 'page.html')
  const polyglot = Buffer.concat([Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), Buffer.from(scriptedHtml(listener, 'polyglot'))])
  expect((await request.put(uploadUrl, { data: polyglot })).status()).toBe(200)
  const served = await request.get(fileUrl)
  expect(served.headers()).toMatchObject({
    'content-type': 'image/gif',
    'x-content-type-options': 'nosniff',
    'content-security-policy': expect.stringMatching(/^default-src 'none';.*sandbox/),
  })
  expect(served.headers()['content-security-policy']).not.toContain('allow-scripts')
  await expectNoScriptRuns(page, listener, fileUrl)
})

test('uploads: a scriptable file already in the simulator (kept as text/html) is only downloaded; opened by the owner, no script runs', async ({ page, request }) => {
  const id = randomUUID()
  await writeFile(path.join(FILES_DIR, `${id}.bin`), scriptedHtml(listener, 'legacy'))
  await writeFile(path.join(FILES_DIR, `${id}.json`), JSON.stringify({ contentType: 'text/html', fileName: 'page.html' }))
  const url = `/api/local-fal/files/${id}/page.html`
  const served = await request.get(url)
  expect(served.status()).toBe(200)
  expect(served.headers()).toMatchObject({
    'content-type': 'application/octet-stream',
    'content-disposition': 'attachment; filename="page.html"',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
  })
  const { download } = await expectNoScriptRuns(page, listener, url)
  expect(download).toBe(true)
})

test('uploads: a scriptable file among a take’s kept outputs is only downloaded; opened by the owner, no script runs', async ({ page, request, baseURL }) => {
  test.setTimeout(90_000)
  const take = await finishedTake(request, await submitTake(request, V2V.id, { prompt: 'a kept output', video_url: await uploadClip(baseURL!) }))
  expect(take.status).toBe('COMPLETED')
  // The kept video plays inline, with ranges for seeking, under the file policy.
  const video = await request.get(take.videoUrl!, { headers: { range: 'bytes=0-99' } })
  expect(video.status()).toBe(206)
  expect(video.headers()).toMatchObject({ 'content-type': 'video/mp4', 'content-disposition': expect.stringMatching(/^inline/), 'x-content-type-options': 'nosniff' })
  expect(video.headers()['content-security-policy']).toMatch(/^default-src 'none';.*sandbox/)
  // A file planted beside it, with a page's type, is never served as one.
  await mkdir(path.join(OUTPUTS_DIR, take.id), { recursive: true })
  await writeFile(path.join(OUTPUTS_DIR, take.id, 'page.html'), scriptedHtml(listener, 'output'))
  await writeFile(path.join(OUTPUTS_DIR, take.id, '.page.html.meta.json'), JSON.stringify({ contentType: 'text/html' }))
  const url = `/api/outputs/${take.id}/page.html`
  const served = await request.get(url)
  expect(served.status()).toBe(200)
  expect(served.headers()).toMatchObject({
    'content-type': 'application/octet-stream',
    'content-disposition': 'attachment; filename="page.html"',
    'content-security-policy': "default-src 'none'; sandbox",
  })
  expect((await expectNoScriptRuns(page, listener, url)).download).toBe(true)
})

test('uploads: an uploaded video opened directly in Chromium still plays (and seeks by byte ranges)', async ({ page, request, baseURL }) => {
  const url = await uploadClip(baseURL!)
  const range = await request.get(url, { headers: { range: 'bytes=0-99' } })
  expect(range.status()).toBe(206)
  expect(range.headers()['content-range']).toMatch(/^bytes 0-99\/\d+$/)
  await page.goto(url)
  await expect.poll(() => page.evaluate(() => document.querySelector('video')?.videoWidth ?? 0)).toBeGreaterThan(0)
})

test('uploads: a body over the limit without Content-Length is stopped while it streams (413), and nothing is kept', async ({ request }) => {
  const { uploadUrl, fileUrl, id } = await reserve(request, 'image/png', 'big.png')
  const answer = await putChunked(uploadUrl, 4 * E2E_MAX_UPLOAD_BYTES, PNG_HEAD)
  expect(answer.status).toBe(413)
  expect(JSON.parse(answer.body)).toMatchObject({ error_type: 'file_too_large' })
  // Refused while it streamed: the server answered long before the body's end.
  expect(answer.sent).toBeLessThan(4 * E2E_MAX_UPLOAD_BYTES)
  await expectNothingKept(request, id, fileUrl)
})

test('uploads: a declared Content-Length over the limit is refused before the body is read (413), and nothing is kept', async ({ request }) => {
  const { uploadUrl, fileUrl, id } = await reserve(request, 'image/png', 'big.png')
  const body = Buffer.concat([PNG_HEAD, Buffer.alloc(E2E_MAX_UPLOAD_BYTES + 1 - PNG_HEAD.byteLength)])
  const response = await request.put(uploadUrl, { data: body })
  expect(response.status()).toBe(413)
  await expectNothingKept(request, id, fileUrl)
})

test('uploads: multipart parts whose sum passes the limit are refused at the part that passes it (413), and nothing is kept', async ({ request }) => {
  const { uploadUrl, fileUrl, id } = await reserve(request, 'image/png', 'big.png', INITIATE_MULTIPART)
  const part = Math.ceil(E2E_MAX_UPLOAD_BYTES / 3) + 1
  const first = Buffer.concat([PNG_HEAD, Buffer.alloc(part - PNG_HEAD.byteLength)])
  expect((await request.put(`${uploadUrl}/1`, { data: first })).status()).toBe(200)
  expect((await request.put(`${uploadUrl}/2`, { data: Buffer.alloc(part) })).status()).toBe(200)
  // Each part alone is well under the limit; the third takes the sum past it.
  const third = await request.put(`${uploadUrl}/3`, { data: Buffer.alloc(part) })
  expect(third.status()).toBe(413)
  expect((await request.post(`${uploadUrl}/complete`, { data: { parts: [1, 2, 3].map((partNumber) => ({ partNumber, etag: `${id}-${partNumber}` })) } })).status()).toBe(404)
  await expectNothingKept(request, id, fileUrl)
})

test('uploads: re-sending multipart parts does not get past the limit (413), and nothing is kept', async ({ request }) => {
  const { uploadUrl, fileUrl, id } = await reserve(request, 'image/png', 'big.png', INITIATE_MULTIPART)
  const half = E2E_MAX_UPLOAD_BYTES / 2
  expect((await request.put(`${uploadUrl}/1`, { data: Buffer.concat([PNG_HEAD, Buffer.alloc(half - PNG_HEAD.byteLength)]) })).status()).toBe(200)
  expect((await request.put(`${uploadUrl}/2`, { data: Buffer.alloc(half) })).status()).toBe(200)
  // Part 2 again, one byte bigger: it replaces the first part 2, and the sum would pass the limit.
  const resent = await putChunked(`${uploadUrl}/2`, half + 1, new Uint8Array())
  expect(resent.status).toBe(413)
  await expectNothingKept(request, id, fileUrl)
})

test('uploads: a multipart upload whose first part is a page is refused (415), and nothing is kept', async ({ request }) => {
  const { uploadUrl, fileUrl, id } = await reserve(request, 'video/mp4', 'clip.mp4', INITIATE_MULTIPART)
  expect((await request.put(`${uploadUrl}/1`, { data: Buffer.from(scriptedHtml(listener, 'multipart')) })).status()).toBe(415)
  expect((await request.post(`${uploadUrl}/complete`, { data: { parts: [] } })).status()).toBe(404)
  await expectNothingKept(request, id, fileUrl)
})
