import { expect, test, type APIRequestContext } from '@playwright/test'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { StudioProcess } from '../server'
import { fixturePath } from '../../fixtures/media'
import { marker } from '../submit'
import { uploadAs } from './media-files'
import { backendCounters, clientWith, loopbackListener, removeDir, signIn, startPasswordStudio, submitThroughProxy, V2V_ID } from './password-studio'

// Class 3: the local simulator is guarded like the rest of the studio. Its queue answers only the
// studio's own calls (its key), other sites cannot start a run, and the webhook and file origin
// come from the studio's configuration, never from a caller.
test.describe.configure({ mode: 'default' })
test.use({ baseURL: undefined })

const DATA_DIR = '.e2e-data-attacks-simulator'
const QUEUE = `/api/local-fal/queue/${V2V_ID}`
let studio: StudioProcess
let owner: APIRequestContext
let anonymous: APIRequestContext
let video: string

test.beforeAll(async () => {
  await removeDir(DATA_DIR)
  studio = await startPasswordStudio(3520, DATA_DIR)
  owner = await clientWith(studio.url, await signIn(studio.url))
  anonymous = await clientWith(studio.url)
  video = await uploadAs(owner, fixturePath('video'))
})

test.afterAll(async () => {
  await Promise.all([owner?.dispose(), anonymous?.dispose()])
  await studio?.kill()
  await removeDir(DATA_DIR)
})

const submits = async () => (await backendCounters(studio.url)).submits

test('simulator: a submit straight to the simulator — signed out, signed in, or with a made-up key — starts nothing', async () => {
  const before = await submits()
  const input = { prompt: marker('direct'), video_url: video }
  for (const [client, headers] of [
    [anonymous, {}],
    [owner, {}],
    [anonymous, { authorization: 'Key local-simulator' }],
    [owner, { authorization: 'Key ' + 'A'.repeat(43) }],
  ] as const) {
    const response = await client.post(QUEUE, { headers: { 'content-type': 'application/json', ...headers }, data: input })
    expect(response.status()).toBe(401)
  }
  // Nor the upload handshake, which would mint a file.
  expect((await owner.post('/api/local-fal/rest/storage/upload/initiate', { data: { content_type: 'video/mp4', file_name: 'x.mp4' } })).status()).toBe(401)
  expect(await submits()).toBe(before)
})

test('simulator: files need the owner — a signed-out caller cannot read an uploaded input', async () => {
  expect((await anonymous.get(video)).status()).toBe(401)
  expect((await owner.get(video)).status()).toBe(200)
})

test('simulator: a text/plain form posted from another site in Chromium starts no run', async ({ browser }) => {
  const before = await submits()
  // Pages on another origin (this machine's loopback, another port) that post a JSON-looking form.
  const target: Record<string, string> = { '/simulator': `${studio.url}${QUEUE}`, '/proxy': `${studio.url}/api/fal/proxy` }
  const page: Server = createServer((request, response) => {
    response.setHeader('content-type', 'text/html')
    response.end(`<!doctype html><form id="f" method="POST" enctype="text/plain" action="${target[request.url ?? ''] ?? ''}">
      <input name='{"prompt":"cross-site","video_url":"${video}","x":"' value='"}'></form>
      <script>document.getElementById('f').submit()</script>`)
  })
  await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`
  const context = await browser.newContext()
  // The owner's session is in this browser: the attack rides on it if anything lets it.
  await context.addCookies([{ name: 'takes_session', value: await signIn(studio.url), url: studio.url }])
  try {
    for (const [path, action] of Object.entries(target)) {
      const tab = await context.newPage()
      const answered = tab.waitForResponse((response) => response.url() === action)
      await tab.goto(`${origin}${path}`)
      expect((await answered).status(), path).toBe(403)
    }
    expect(await submits()).toBe(before)
  } finally {
    await context.close()
    await new Promise((resolve) => page.close(resolve))
  }
})

test('simulator: a caller’s fal_webhook is dropped — the take runs and the caller’s listener hears nothing', async () => {
  const listener = await loopbackListener()
  try {
    const response = await owner.post('/api/fal/proxy', {
      headers: { 'x-fal-target-url': `https://queue.fal.run/${V2V_ID}?fal_webhook=${encodeURIComponent(`http://127.0.0.1:${listener.port}/steal`)}` },
      data: { prompt: marker('webhook'), video_url: video },
    })
    expect(response.status(), await response.text()).toBe(200)
    const { take_id: id } = (await response.json()) as { take_id: string }
    await expect.poll(async () => ((await (await owner.get(`/api/takes/${id}?wait=1`, { timeout: 30_000 })).json()) as { status: string }).status, { timeout: 60_000 }).toBe('COMPLETED')
    expect(listener.hits).toEqual([])
  } finally {
    await listener.close()
  }
})

test('simulator: a caller’s file origin is ignored — outputs stay on the studio’s own origin', async () => {
  const response = await owner.post('/api/fal/proxy', {
    headers: { 'x-fal-target-url': `https://queue.fal.run/${V2V_ID}`, 'x-fal-takes-origin': 'http://attacker.example' },
    data: { prompt: marker('origin'), video_url: video },
  })
  expect(response.status(), await response.text()).toBe(200)
  const { take_id: id } = (await response.json()) as { take_id: string }
  let take: { status: string; output: { video: { url: string } } | null } | undefined
  await expect.poll(async () => (take = (await (await owner.get(`/api/takes/${id}?wait=1`, { timeout: 30_000 })).json()) as typeof take)!.status, { timeout: 60_000 }).toBe('COMPLETED')
  expect(take!.output!.video.url).not.toContain('attacker.example')
  expect(new URL(take!.output!.video.url).origin).toBe(studio.url)
})

test('simulator: signed out, neither the proxy nor the simulator takes a submit', async () => {
  const before = await submits()
  expect((await submitThroughProxy(anonymous, { prompt: marker('anon'), video_url: video })).status()).toBe(401)
  expect((await anonymous.post(QUEUE, { data: { prompt: 'x', video_url: video } })).status()).toBe(401)
  expect(await submits()).toBe(before)
})
