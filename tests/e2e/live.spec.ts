import { expect, request as playwrightRequest, test, type APIRequestContext, type Page } from '@playwright/test'
import { hostname } from 'node:os'
import pg from 'pg'
import { formatUsd } from '@/lib/pricing/estimate'
import { cellInput, type SweepAxis } from '@/lib/sweeps/sweep-plan'
import type { SweepView } from '@/lib/sweeps/sweep-view'
import type { TakeView } from '@/lib/takes/take-view'
import { backendControl } from './backend'
import { freshDatabase, startStudio, withStudio, type StudioProcess } from './server'
import { finishedTake, marker, submitTake, uploadClip, V2V } from './submit'
import { expectedEstimate, expectPlayableResult, fillRequired } from './takes'

// Pages follow takes, sweeps and the day's spend through the studio's event streams, whatever
// process changed them, with no reload. Each test runs studio processes of its own (ports 3260-3269),
// so the simulator's counters and faults are its alone.

const STUDIO_ENV = { TAKES_BACKEND: 'local', TAKES_LOCAL_CONTROL: '1', TAKES_LEASE_MS: '3000', TAKES_FOLLOW_POLL_MS: '250' }

async function takeOf(api: APIRequestContext, id: string): Promise<TakeView> {
  const response = await api.get(`/api/takes/${id}`)
  expect(response.status()).toBe(200)
  return (await response.json()) as TakeView
}

/**
 * Records, from now on, every text the element `testId` shows (with how many log lines the page
 * shows beside it), and whether the page loaded again. A mark left on `window` survives only if it did not.
 */
async function watchPage(page: Page, testId: string) {
  let loads = 0
  page.on('load', () => loads++)
  await page.evaluate((testId) => {
    const seen: string[] = []
    const record = () => {
      const text = document.querySelector(`[data-testid="${testId}"]`)?.textContent ?? ''
      const logs = document.querySelectorAll('[data-testid="take-logs"] li').length
      const state = `${text}|${logs}`
      if (seen.at(-1) !== state) seen.push(state)
    }
    Object.assign(window, { __liveMark: 'not reloaded', __seen: seen })
    record()
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true })
  }, testId)
  return {
    /** The texts seen, in order, each once in a row; with `withLogs`, each as `text|log lines`. */
    seen: async (withLogs = false) => {
      const states = await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen)
      const texts = withLogs ? states : states.map((state) => state.slice(0, state.lastIndexOf('|')))
      return texts.filter((text, index) => text !== texts[index - 1])
    },
    expectNotReloaded: async () => {
      expect(loads).toBe(0)
      expect(await page.evaluate(() => (window as unknown as { __liveMark?: string }).__liveMark)).toBe('not reloaded')
    },
  }
}

test('a page served by one process shows live a take another process follows: queued, in progress with logs, completed with the player', async ({ page }, testInfo) => {
  test.setTimeout(240_000)
  const adminUrl = process.env.TEST_DATABASE_URL
  test.skip(!adminUrl, 'TEST_DATABASE_URL is not set (npm run test:all sets it up)')
  const database = await freshDatabase(adminUrl!)
  // A serves the page and runs the simulator but follows nothing; B follows. They share the
  // database and the output store (one data directory), as processes serving the same takes must.
  const shared = { ...STUDIO_ENV, DATABASE_URL: database.url, TAKES_DATA_DIR: testInfo.outputPath('data'), TAKES_LOCAL_CONCURRENCY: '1', TAKES_LOCAL_RENDER_MS: '2000' }
  const studios: StudioProcess[] = []
  const apis: APIRequestContext[] = []
  const db = new pg.Client({ connectionString: database.url })
  try {
    const a = await startStudio(3260, { ...shared, TAKES_FOLLOWER: '0' })
    studios.push(a)
    const b = await startStudio(3261, { ...shared, TAKES_LOCAL_FAL_URL: `${a.url}/api/local-fal` })
    studios.push(b)
    const [apiA, apiB] = await Promise.all(studios.map((studio) => playwrightRequest.newContext({ baseURL: studio.url })))
    apis.push(apiA!, apiB!)
    await db.connect()

    // A take that runs until cancelled holds the simulator's one runner, so the watched take waits in its queue.
    const tag = marker('live')
    const blockerTag = `${tag}-blocker`
    await backendControl(apiA!, { tag: blockerTag, faults: { slowRunsMs: 120_000 } })
    await backendControl(apiA!, { tag, faults: { slowRunsMs: 3000 } })
    const clip = await uploadClip(a.url)
    const blocker = await submitTake(apiB!, V2V.id, { prompt: `${tag} blocker`, video_url: clip }, blockerTag)
    const id = await submitTake(apiB!, V2V.id, { prompt: `${tag} watched`, video_url: clip }, tag)

    // B's follower holds the take's lease (A runs none).
    const leaseOwner = async () => (await db.query<{ lease_owner: string | null }>('select lease_owner from takes where id = $1', [id])).rows[0]?.lease_owner
    await expect.poll(async () => (await leaseOwner())?.startsWith(`${hostname()}:${b.pid}:`), { timeout: 20_000 }).toBe(true)

    await page.goto(`${a.url}/t/${id}`)
    const badge = page.getByTestId('take-status-badge')
    await expect(badge).toHaveText('In queue')
    await expect(page.getByTestId('take-watcher')).toContainText('Live')
    const watch = await watchPage(page, 'take-status-badge')

    expect((await apiB!.post(`/api/takes/${blocker}/cancel`)).status()).toBe(202)
    await expect(badge).toHaveText('In progress', { timeout: 30_000 })
    await expect(page.getByTestId('take-logs')).toContainText('Starting')
    await expect(badge).toHaveText('Completed', { timeout: 60_000 })
    await expect(page.getByTestId('take-logs')).toContainText('Denoising step 40/40')
    const video = page.getByTestId('share-video')
    await expect(video).toBeVisible()
    await expect.poll(() => video.evaluate((element: HTMLVideoElement) => element.readyState >= 2 && element.duration > 0), { timeout: 20_000 }).toBe(true)

    // Each state arrived in its turn, and log lines were added while the take ran.
    expect(await watch.seen()).toEqual(['In queue', 'In progress', 'Completed'])
    const running = (await watch.seen(true)).filter((state) => state.startsWith('In progress|')).map((state) => Number(state.split('|')[1]))
    expect(running.at(-1)).toBeGreaterThan(Math.max(running[0]!, 0))
    await watch.expectNotReloaded()

    const take = await takeOf(apiA!, id)
    expect(take.status).toBe('COMPLETED')
    expect(take.billedUsd).toBeGreaterThan(0)
    const { counters } = await backendControl(apiA!)
    expect(counters.submitsByTag[tag]).toBe(1)
    expect(counters.resultsByRequest[take.requestId!]).toBe(1)
  } finally {
    await db.end().catch(() => {})
    await Promise.all(apis.map((api) => api.dispose()))
    await Promise.all(studios.map((studio) => studio.kill()))
    await database.drop()
  }
})

test('Stop sweep during a 2 × 3 sweep cancels its takes queued at the backend; the grid shows them cancelled and what stopping saved', async ({ page }, testInfo) => {
  test.setTimeout(180_000)
  await withStudio(3262, { ...STUDIO_ENV, TAKES_LOCAL_CONCURRENCY: '1', TAKES_LOCAL_RENDER_MS: '1000' }, testInfo, async (studio, api) => {
    // A take outside the sweep runs until the end of the test, so the sweep's takes wait in the simulator's queue.
    const blockerTag = marker('stop-blocker')
    await backendControl(api, { tag: blockerTag, faults: { slowRunsMs: 120_000 } })
    const clip = await uploadClip(studio.url)
    const blocker = await submitTake(api, V2V.id, { prompt: `${blockerTag} blocker`, video_url: clip }, blockerTag)

    const input = { prompt: `${marker('stop')} a ferry in fog`, video_url: clip }
    const axes: SweepAxis[] = [
      { field: 'num_inference_steps', values: [8, 20] },
      { field: 'guidance_scale', values: [2, 3.5, 5] },
    ]
    const created = await api.post('/api/sweeps', { data: { endpointId: V2V.id, input, axes, concurrency: 2, varySeed: false } })
    expect(created.status(), await created.text()).toBe(201)
    const { id, url } = (await created.json()) as { id: string; url: string }

    await page.goto(`${studio.url}${url}`)
    const cell = (index: number) => page.locator(`[data-testid="sweep-cell"][data-index="${index}"]`)
    await expect(cell(0)).toHaveAttribute('data-status', 'IN_QUEUE', { timeout: 20_000 })
    await expect(cell(1)).toHaveAttribute('data-status', 'IN_QUEUE')
    for (let index = 2; index < 6; index++) await expect(cell(index)).toHaveAttribute('data-status', 'WAITING')
    // A cell shows its take once recorded; the backend counts its submit a moment later.
    const counted = async () => {
      const { counters } = await backendControl(api)
      return [counters.submits, counters.cancelCalls, counters.cancelled]
    }
    await expect.poll(counted, { timeout: 20_000 }).toEqual([3, 0, 0])

    await page.getByRole('button', { name: 'Stop sweep' }).click()
    await expect(page.getByTestId('sweep-status')).toHaveText('Stopped')
    for (const index of [0, 1]) await expect(cell(index)).toHaveAttribute('data-status', 'CANCELLED', { timeout: 20_000 })
    for (let index = 2; index < 6; index++) await expect(cell(index)).toHaveAttribute('data-status', 'SKIPPED')
    // Nothing ran or was billed, so stopping saved every cell's estimate.
    const saved = Array.from({ length: 6 }, (_, index) => expectedEstimate(V2V, cellInput(input, axes, index, null, false)).amount).reduce((sum, amount) => sum + amount, 0)
    await expect(page.getByTestId('sweep-saved')).toHaveText(`Stopping saved about ${formatUsd(saved)}: 4 not submitted, 2 cancelled.`)
    await expect(page.getByRole('button', { name: 'Stop sweep' })).toHaveCount(0)

    // The simulator was asked to cancel the two queued takes, and only those; nothing more was submitted.
    const after = (await backendControl(api)).counters
    expect([after.submits, after.cancelCalls, after.cancelled]).toEqual([3, 2, 2])
    const sweep = (await (await api.get(`/api/sweeps/${id}`)).json()) as SweepView
    expect(formatUsd(sweep.savedUsd!)).toBe(formatUsd(saved))
    expect(sweep.cells.map((cell) => [cell.submitted, cell.take?.status ?? null, cell.take?.billedUsd ?? null])).toEqual([
      // fal bills nothing for a cancelled request: it says zero units.
      [true, 'CANCELLED', 0],
      [true, 'CANCELLED', 0],
      ...Array(4).fill([false, null, null]),
    ])
    expect((await takeOf(api, blocker)).status).toBe('IN_PROGRESS')
  })
})

test('Cancel of a running take in the playground: Cancelling…, then Cancelled; a run that ignores the cancel ends Completed', async ({ page }, testInfo) => {
  test.setTimeout(240_000)
  await withStudio(3263, { ...STUDIO_ENV, TAKES_LOCAL_RENDER_MS: '1500' }, testInfo, async (studio, api) => {
    await page.goto(`${studio.url}/models/${V2V.id}`)
    await fillRequired(page, V2V, `${marker('cancel')} a heron taking off`)
    const status = page.getByTestId('take-status')
    const cancel = page.getByTestId('take-cancel')
    const cancelling = page.getByTestId('take-cancelling')

    // A run long enough to be cancelled while it runs; the simulator answers the cancel slowly, so "Cancelling…" shows.
    await backendControl(api, { faults: { slowRunsMs: 120_000 } })
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(status).toHaveText('In progress', { timeout: 30_000 })
    await backendControl(api, { faults: { delayMs: 1500 } })
    await cancel.click()
    await expect(cancelling).toHaveText('Cancelling…')
    await expect(cancel).toHaveCount(0)
    await expect(status).toHaveText('Cancelled', { timeout: 30_000 })
    await expect(cancelling).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled()
    let { counters } = await backendControl(api, { faults: { delayMs: 0 } })
    expect([counters.submits, counters.cancelCalls, counters.cancelled]).toEqual([1, 1, 1])
    const firstId = new URL(page.url()).searchParams.get('take')!
    expect(await takeOf(api, firstId)).toMatchObject({ status: 'CANCELLED', cancelling: false, billedUsd: 0 })

    // fal may finish a running request it was asked to cancel: the take then ends completed, and billed.
    await backendControl(api, { faults: { slowRunsMs: 5000, runsIgnoreCancel: true } })
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(status).toHaveText('In progress', { timeout: 30_000 })
    await cancel.click()
    await expect(cancelling).toHaveText('Cancelling…')
    await expect(status).toHaveText('Completed', { timeout: 60_000 })
    await expect(cancelling).toHaveCount(0)
    await expectPlayableResult(page)
    ;({ counters } = await backendControl(api))
    expect([counters.submits, counters.cancelCalls, counters.cancelled]).toEqual([2, 2, 1])
    const secondId = new URL(page.url()).searchParams.get('take')!
    expect(secondId).not.toBe(firstId)
    const second = await takeOf(api, secondId)
    expect(second).toMatchObject({ status: 'COMPLETED', cancelling: false })
    expect(second.billedUsd).toBeGreaterThan(0)
  })
})

test('"Today" in the header moves as takes run and end, without a reload', async ({ page }, testInfo) => {
  test.setTimeout(180_000)
  await withStudio(3264, { ...STUDIO_ENV, TAKES_LOCAL_RENDER_MS: '1500' }, testInfo, async (studio, api) => {
    const clip = await uploadClip(studio.url)
    await page.goto(`${studio.url}/`)
    const today = page.getByTestId('spend-today').locator('span')
    await expect(today).toHaveText(formatUsd(0))
    const watch = await watchPage(page, 'spend-today')
    const shown = async () => (await watch.seen()).map((text) => text.replace(/^Today\s*/, ''))

    // A take counts at its estimate while it runs, then at its bill.
    const tag = marker('today')
    await backendControl(api, { tag, faults: { slowRunsMs: 2000 } })
    const done = await finishedTake(api, await submitTake(api, V2V.id, { prompt: `${tag} completes`, video_url: clip }, tag))
    expect(done.status).toBe('COMPLETED')
    await expect(today).toHaveText(formatUsd(done.billedUsd!))
    expect(await shown()).toEqual([formatUsd(0), formatUsd(done.estimateUsd!)].concat(done.billedUsd === done.estimateUsd ? [] : [formatUsd(done.billedUsd!)]))

    // A take that fails counts while it runs and no more once it has ended: the header goes back down.
    const failingTag = `${tag}-fails`
    await backendControl(api, { tag: failingTag, faults: { failNextRuns: 1, delayMs: 1500 } })
    const failed = await finishedTake(api, await submitTake(api, V2V.id, { prompt: `${tag} fails`, video_url: clip }, failingTag))
    expect(failed.status).toBe('FAILED')
    await expect(today).toHaveText(formatUsd(done.billedUsd!))
    expect((await shown()).slice(-2)).toEqual([formatUsd(done.billedUsd! + failed.estimateUsd!), formatUsd(done.billedUsd!)])
    await watch.expectNotReloaded()
  })
})
