import { expect, test, type APIRequestContext } from '@playwright/test'
import type { StudioProcess } from '../server'
import { fixturePath } from '../../fixtures/media'
import { marker } from '../submit'
import { uploadAs } from './media-files'
import { backendCounters, clientWith, removeDir, signIn, startPasswordStudio, submitThroughProxy } from './password-studio'

// Class 6: a take is private until shared, a revoked link is dead for good (page, JSON, video, poster),
// and a signed-out viewer of a shared take sees the take and nothing of the studio.
test.describe.configure({ mode: 'default' })
test.use({ baseURL: undefined })

const DATA_DIR = '.e2e-data-attacks-share'
let studio: StudioProcess
let owner: APIRequestContext
let anonymous: APIRequestContext
let video: string

interface View {
  id: string
  status: string
  sharePath: string | null
  videoUrl: string | null
  posterUrl: string | null
}

test.beforeAll(async () => {
  test.setTimeout(120_000)
  await removeDir(DATA_DIR)
  studio = await startPasswordStudio(3510, DATA_DIR)
  owner = await clientWith(studio.url, await signIn(studio.url))
  anonymous = await clientWith(studio.url)
  video = await uploadAs(owner, fixturePath('video'))
})

test.afterAll(async () => {
  await Promise.all([owner?.dispose(), anonymous?.dispose()])
  await studio?.kill()
  await removeDir(DATA_DIR)
})

async function finishedTakeOf(prompt: string): Promise<View> {
  const response = await submitThroughProxy(owner, { prompt, video_url: video })
  expect(response.status(), await response.text()).toBe(200)
  const { take_id: id } = (await response.json()) as { take_id: string }
  let take: View | undefined
  await expect.poll(async () => (take = (await (await owner.get(`/api/takes/${id}?wait=1`, { timeout: 30_000 })).json()) as View).status, { timeout: 60_000 }).toBe('COMPLETED')
  expect(take!.videoUrl).toMatch(/^\/api\/outputs\//)
  return take!
}

async function share(id: string): Promise<string> {
  const response = await owner.put(`/api/takes/${id}/share`)
  expect(response.status()).toBe(200)
  return ((await response.json()) as View).sharePath!
}

/** Every address a holder of the link (`token`) could try, signed out. */
function addressesOf(take: View, token: string) {
  return [`/s/${token}`, `/api/takes/${take.id}?s=${token}`, `${take.videoUrl}?s=${token}`, `${take.posterUrl}?s=${token}`]
}

async function statuses(paths: string[]) {
  // A fresh connection each: a kept-alive one the server has since closed would fail with ECONNRESET.
  return Promise.all(paths.map(async (path) => (await anonymous.get(path, { maxRedirects: 0, headers: { connection: 'close' } })).status()))
}

test('share: a take is private until shared — its page, JSON, video and poster answer nobody signed out', async () => {
  const take = await finishedTakeOf(marker('private'))
  expect(take.sharePath).toBeNull()
  expect(await statuses([`/api/takes/${take.id}`, take.videoUrl!, take.posterUrl!, `/api/takes/${take.id}?s=guess`, `${take.videoUrl}?s=guess`])).toEqual([404, 404, 404, 404, 404])
  // The owner's page of the take needs sign-in.
  const page = await anonymous.get(`/t/${take.id}`, { maxRedirects: 0 })
  expect(page.status()).toBe(307)
  expect(page.headers().location).toContain('/login')
})

test('share: revoking makes the page, its JSON, video and poster 404; sharing again mints a new link and old links stay dead', async () => {
  const take = await finishedTakeOf(marker('revoke'))
  const first = (await share(take.id)).slice('/s/'.length)
  expect(await statuses(addressesOf(take, first))).toEqual([200, 200, 200, 200])
  expect((await owner.delete(`/api/takes/${take.id}/share`)).status()).toBe(200)
  expect(await statuses(addressesOf(take, first))).toEqual([404, 404, 404, 404])
  const second = (await share(take.id)).slice('/s/'.length)
  expect(second).not.toBe(first)
  expect(await statuses(addressesOf(take, first))).toEqual([404, 404, 404, 404])
  expect(await statuses(addressesOf(take, second))).toEqual([200, 200, 200, 200])
})

test('share: a deleted take’s link and kept files are dead, token or not', async () => {
  const take = await finishedTakeOf(marker('deleted'))
  const token = (await share(take.id)).slice('/s/'.length)
  expect((await owner.delete(`/api/takes/${take.id}`)).status()).toBe(204)
  expect(await statuses(addressesOf(take, token))).toEqual([404, 404, 404, 404])
})

test('share: a signed-out viewer sees the take and nothing of the studio — no navigation, no simulator badge, no input URLs', async ({ browser }) => {
  const take = await finishedTakeOf(marker('viewer'))
  const path = await share(take.id)
  const context = await browser.newContext({ baseURL: studio.url })
  const page = await context.newPage()
  expect((await page.goto(path))!.status()).toBe(200)
  await expect(page.getByTestId('share-video')).toBeVisible()
  await expect(page.getByTestId('take-parameters')).toBeVisible()
  await expect(page.getByTestId('share-billed')).toHaveText(/^\$/)
  await expect(page.getByRole('navigation')).toHaveCount(0)
  await expect(page.getByRole('link', { name: 'History' })).toHaveCount(0)
  await expect(page.getByRole('link', { name: 'Remix' })).toHaveCount(0)
  await expect(page.getByTestId('backend-badge')).toHaveCount(0)
  const html = await page.content()
  expect(html).not.toContain(video)
  expect(html).not.toContain('/api/local-fal/')
  expect(html.toLowerCase()).not.toContain('simulator')
  // Its JSON says no more than the page.
  const json = JSON.stringify(await (await anonymous.get(`/api/takes/${take.id}?s=${path.slice('/s/'.length)}`)).json())
  expect(json).not.toContain(video)
  expect(json).not.toContain('/api/local-fal/')
  await context.close()
})

test('share: a signed-out ?wait=1 answers at once, even for a running take', async () => {
  const tag = marker('slow')
  await owner.post('/api/local-fal/_control', { data: { tag, faults: { slowRunsMs: 8000 } } })
  const response = await owner.post('/api/fal/proxy', {
    headers: { 'x-fal-target-url': 'https://queue.fal.run/fal-ai/ltx-2-19b/video-to-video', 'x-fal-takes-test-tag': tag },
    data: { prompt: tag, video_url: video },
  })
  const { take_id: id } = (await response.json()) as { take_id: string }
  const token = (await share(id)).slice('/s/'.length)
  const answer = await anonymous.get(`/api/takes/${id}?wait=1&s=${token}`)
  expect(answer.status()).toBe(200)
  // The owner's wait would hold until the 8-second run ended; a signed-out one answers while it still runs.
  expect(((await answer.json()) as View).status).toMatch(/IN_QUEUE|IN_PROGRESS/)
  const unshared = await anonymous.get(`/api/takes/${id}?wait=1`)
  expect(unshared.status()).toBe(404)
  expect((await backendCounters(studio.url)).submits).toBeGreaterThan(0)
})
