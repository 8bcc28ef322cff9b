import { request as playwrightRequest } from '@playwright/test'
import type { SweepView } from '@/lib/sweeps/sweep-view'
import type { TakeView } from '@/lib/takes/take-view'
import { fillRequired, tagPage } from '../takes'
import { marker, submitTake, uploadClip, V2V } from '../submit'
import { freshDatabase, startStudio, type StudioProcess } from '../server'
import { expect, test } from './fal-world'

// More of the core flows in fal mode against the fal double: cancel, a sweep, and two studio
// processes on one PostgreSQL.

test.describe.configure({ mode: 'serial' })

test('cancel while running: fal is asked, and the take ends cancelled', async ({ page, doubleControl }, testInfo) => {
  test.setTimeout(120_000)
  const tag = `fal-cancel-${testInfo.testId}`
  await doubleControl({ tag, faults: { slowRunsMs: 60_000 } })
  await tagPage(page, tag)
  const before = (await doubleControl()).counters
  await page.goto(`/models/${V2V.id}`)
  await fillRequired(page, V2V, 'a take cancelled in fal mode')
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  await expect(page.getByTestId('take-status')).toHaveText('In progress', { timeout: 30_000 })
  await page.getByRole('button', { name: 'Cancel' }).click()
  await expect(page.getByTestId('take-status')).toHaveText('Cancelled', { timeout: 30_000 })
  const after = (await doubleControl()).counters
  expect(after.cancelCalls - before.cancelCalls).toBe(1)
  expect(after.cancelled - before.cancelled).toBe(1)
})

test('a sweep runs on the server through fal: two cells, each a playable take', async ({ page, request, falWorld, doubleControl }) => {
  test.setTimeout(150_000)
  const before = (await doubleControl()).counters
  const clip = await uploadClip(falWorld.studio.url)
  const created = await request.post('/api/sweeps', {
    data: { endpointId: V2V.id, input: { prompt: `${marker('fal-sweep')} a lighthouse`, video_url: clip }, axes: [{ field: 'num_frames', values: [9, 17] }], concurrency: 2, varySeed: false },
  })
  expect(created.status(), await created.text()).toBe(201)
  const { id, url } = (await created.json()) as { id: string; url: string }
  await page.goto(url)
  const cell = (index: number) => page.locator(`[data-testid="sweep-cell"][data-index="${index}"]`)
  for (const index of [0, 1]) await expect(cell(index)).toHaveAttribute('data-status', 'COMPLETED', { timeout: 90_000 })
  await expect(page.getByTestId('sweep-video')).toHaveCount(2)
  const sweep = (await (await request.get(`/api/sweeps/${id}`)).json()) as SweepView
  expect(sweep.cells.map((entry) => entry.take?.status)).toEqual(['COMPLETED', 'COMPLETED'])
  expect((await doubleControl()).counters.submits - before.submits).toBe(2)
})

test('two studio processes on one PostgreSQL in fal mode: a page on one shows, live, the take the other follows', async ({ page, falWorld }, testInfo) => {
  test.setTimeout(180_000)
  const adminUrl = process.env.TEST_DATABASE_URL
  test.skip(!adminUrl, 'TEST_DATABASE_URL is not set (npm run test:all sets it up)')
  const database = await freshDatabase(adminUrl!)
  const [portA, portB] = falWorld.sparePorts
  const studios: StudioProcess[] = []
  try {
    // They share the database and the output store (a data directory of their own).
    const shared = { DATABASE_URL: database.url, TAKES_DATA_DIR: testInfo.outputPath('data') }
    const a = await startStudio(portA, falWorld.falStudioEnv(portA, { ...shared, TAKES_FOLLOWER: '0' }))
    studios.push(a)
    const b = await startStudio(portB, falWorld.falStudioEnv(portB, shared))
    studios.push(b)
    const api = await playwrightRequest.newContext({ baseURL: b.url })
    const clip = await uploadClip(b.url)
    const id = await submitTake(api, V2V.id, { prompt: `${marker('fal-two')} a kite`, video_url: clip })
    await page.goto(`${a.url}/t/${id}`)
    // No reload: the page watches the take, which B follows, until it plays.
    const video = page.getByTestId('share-video')
    await expect(video).toBeVisible({ timeout: 90_000 })
    await expect.poll(() => video.evaluate((element: HTMLVideoElement) => element.readyState >= 2 && element.duration > 0), { timeout: 30_000 }).toBe(true)
    const done = (await (await api.get(`/api/takes/${id}`)).json()) as TakeView
    expect(done).toMatchObject({ status: 'COMPLETED', copyStatus: 'kept' })
    await api.dispose()
  } finally {
    await Promise.all(studios.map((studio) => studio.kill()))
    await database.drop()
  }
})
