import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test'
import { formatUsd } from '@/lib/pricing/estimate'
import { cellInput, cellValues, SWEEP_CONFIRM_USD, type SweepAxis } from '@/lib/sweeps/sweep-plan'
import type { SweepView } from '@/lib/sweeps/sweep-view'
import { openAdditionalSettings } from './helpers'
import { marker, uploadClip, V2V } from './submit'
import { expectedEstimate, fillRequired, shownPayload } from './takes'

const STEPS: SweepAxis = { field: 'num_inference_steps', values: [8, 20] }
const GUIDANCE: SweepAxis = { field: 'guidance_scale', values: [2, 3.5, 5] }
const UNFINISHED = new Set(['IN_QUEUE', 'IN_PROGRESS'])

async function sweepOf(request: APIRequestContext, id: string): Promise<SweepView> {
  const response = await request.get(`/api/sweeps/${id}`)
  expect(response.status()).toBe(200)
  return (await response.json()) as SweepView
}

/** Follows the sweep through its API to its end; the most of its takes ever seen in flight at once. */
async function followSweep(request: APIRequestContext, id: string): Promise<{ sweep: SweepView; mostInFlight: number }> {
  const deadline = Date.now() + 120_000
  let mostInFlight = 0
  for (;;) {
    const sweep = await sweepOf(request, id)
    const inFlight = sweep.cells.filter((cell) => cell.take && UNFINISHED.has(cell.take.status)).length
    mostInFlight = Math.max(mostInFlight, inFlight)
    if (sweep.status !== 'RUNNING' && inFlight === 0) return { sweep, mostInFlight }
    if (Date.now() > deadline) throw new Error(`sweep ${id} is still running`)
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
}

const idFromUrl = (page: Page) => new URL(page.url()).pathname.split('/').pop()!

async function expectPlayable(video: Locator) {
  await expect(video).toBeVisible()
  await expect.poll(() => video.evaluate((element: HTMLVideoElement) => element.readyState >= 2 && element.duration > 0), { timeout: 20_000 }).toBe(true)
}

async function openSweepPanel(page: Page) {
  await page.getByRole('button', { name: 'Sweep', exact: true }).click()
  return page.getByRole('region', { name: 'Sweep' })
}

let clip: string
test.beforeAll(async ({ baseURL }) => {
  clip = await uploadClip(baseURL!)
})

test('a 2 × 3 sweep announces 6 takes and the sum of their estimates, then fills a 2 × 3 grid of playable takes with the swept values and one seed', async ({ page, request }) => {
  test.setTimeout(180_000)
  const prompt = `${marker('sweep')} a kite over dunes`
  await page.goto(`/models/${V2V.id}`)
  await fillRequired(page, V2V, prompt)
  const base = await shownPayload(page)

  const panel = await openSweepPanel(page)
  await panel.getByLabel('Sweep field 1').selectOption(STEPS.field)
  await panel.getByLabel('Values 1', { exact: true }).fill('8, 20')
  await panel.getByLabel('Sweep field 2').selectOption(GUIDANCE.field)
  await panel.getByLabel('Values 2', { exact: true }).fill('2, 3.5, 5')
  await expect(panel.getByRole('list', { name: 'Axis 2 values' }).getByRole('listitem')).toHaveCount(3)

  // The total is the sum of lib/pricing's estimate for each of the six inputs (the seed does not change a price).
  const axes = [STEPS, GUIDANCE]
  const expectedTotal = Array.from({ length: 6 }, (_, index) => expectedEstimate(V2V, cellInput(base, axes, index, null, false)).amount).reduce((a, b) => a + b, 0)
  await expect(panel.getByTestId('sweep-take-count')).toHaveText('6 takes')
  await expect(panel.getByTestId('sweep-total-estimate')).toHaveText(formatUsd(expectedTotal))

  // Prompt expansion is pinned off by default, and the panel says this model expands prompts unless told not to.
  await expect(panel.getByLabel('Pin prompt expansion off')).toBeChecked()
  await expect(panel.getByTestId('expansion-note')).toContainText('This model expands (rewrites) prompts by default')

  // Below the confirmation threshold it runs at once.
  expect(expectedTotal).toBeLessThan(SWEEP_CONFIRM_USD)
  await panel.getByRole('button', { name: 'Run sweep' }).click()
  await expect(page).toHaveURL(/\/sweeps\/[A-Za-z0-9_-]{22}$/)
  const id = idFromUrl(page)
  await expect(page.getByTestId('sweep-count')).toHaveText('6 takes')
  await expect(page.getByTestId('sweep-total')).toHaveText(formatUsd(expectedTotal))

  const { sweep, mostInFlight } = await followSweep(request, id)
  expect(mostInFlight).toBeLessThanOrEqual(2)
  expect(sweep.status).toBe('DONE')

  // The grid: rows are the steps, columns the guidance scales, each cell a playable video.
  const grid = page.getByTestId('sweep-grid')
  await expect(grid.locator('th[scope=col]')).toHaveText(['Guidance Scale = 2', 'Guidance Scale = 3.5', 'Guidance Scale = 5'])
  await expect(grid.locator('th[scope=row]')).toHaveText(['Number of Inference Steps = 8', 'Number of Inference Steps = 20'])
  await expect(grid.locator('tbody tr')).toHaveCount(2)
  await expect(page.getByTestId('sweep-status')).toHaveText('Done')
  const videos = page.getByTestId('sweep-video')
  await expect(videos).toHaveCount(6)
  for (let index = 0; index < 6; index++) await expectPlayable(videos.nth(index))

  // The takes carry exactly the swept values, expansion pinned off, the form's input otherwise, and one shared seed.
  const seeds = new Set<unknown>()
  let recorded = 0
  for (const cell of sweep.cells) {
    expect(cell.take?.status).toBe('COMPLETED')
    const response = await request.get(`/api/takes/${cell.take!.id}`)
    const take = (await response.json()) as { input: Record<string, unknown>; estimateUsd: number; billedUsd: number }
    expect(take.input).toEqual({ ...base, ...cellValues(axes, cell.index), enable_prompt_expansion: false, seed: take.input.seed })
    seeds.add(take.input.seed)
    recorded += take.estimateUsd
    expect(take.billedUsd).toBeCloseTo(take.estimateUsd, 10)
    const row = Math.floor(cell.index / 3)
    const cellLocator = grid.locator('tbody tr').nth(row).locator('td').nth(cell.index % 3).getByTestId('sweep-cell')
    await expect(cellLocator).toHaveAttribute('data-take-id', cell.take!.id)
  }
  expect(seeds.size).toBe(1)
  expect([...seeds][0]).toBe(sweep.seed)
  expect(typeof sweep.seed).toBe('number')
  expect(formatUsd(recorded)).toBe(formatUsd(expectedTotal))

  // "Play all in sync" plays every cell; a cell opens its take.
  await page.getByRole('button', { name: 'Play all in sync' }).click()
  await expect
    .poll(() => videos.evaluateAll((elements) => (elements as HTMLVideoElement[]).every((video) => video.played.length > 0 && video.played.end(0) > 0.1)))
    .toBe(true)
  // Two cells picked for comparison lead to the compare page.
  const cells = grid.getByTestId('sweep-cell')
  await cells.nth(0).getByLabel('Compare', { exact: true }).check()
  await cells.nth(5).getByLabel('Compare', { exact: true }).check()
  await expect(page.getByRole('region', { name: 'Compare selection' }).getByRole('link', { name: 'Compare 2 takes' })).toHaveAttribute(
    'href',
    `/compare?ids=${sweep.cells[0]!.take!.id},${sweep.cells[5]!.take!.id}`,
  )

  const first = sweep.cells[0]!.take!
  await page.getByRole('link', { name: 'Open take (Number of Inference Steps = 8, Guidance Scale = 2)' }).click()
  await expect(page).toHaveURL(new RegExp(`/t/${first.id}$`))
  await expect(page.getByRole('link', { name: 'Its sweep' })).toHaveAttribute('href', `/sweeps/${id}`)
  await page.goto(`/takes?q=${encodeURIComponent(prompt)}`)
  await expect(page.getByTestId('take-card')).toHaveCount(6)
  await expect(page.getByRole('link', { name: 'Part of a sweep' })).toHaveCount(6)
})

test('a sweep whose total is above the threshold asks first; Cancel submits nothing', async ({ page }) => {
  const prompt = `${marker('sweep-confirm')} a glacier`
  await page.goto(`/models/${V2V.id}`)
  await fillRequired(page, V2V, prompt)
  await openAdditionalSettings(page)
  await page.getByLabel('Match Video Length', { exact: true }).click()
  await page.getByLabel('Video Size', { exact: true }).selectOption('square_hd')
  const base = await shownPayload(page)

  const panel = await openSweepPanel(page)
  await panel.getByLabel('Sweep field 1').selectOption('num_frames')
  await panel.getByLabel('Values 1', { exact: true }).fill('241, 481')
  await panel.getByLabel('Sweep field 2').selectOption(STEPS.field)
  await panel.getByLabel('Values 2', { exact: true }).fill('8, 20')
  const axes = [{ field: 'num_frames', values: [241, 481] }, STEPS]
  const total = Array.from({ length: 4 }, (_, index) => expectedEstimate(V2V, cellInput(base, axes, index, null, false)).amount).reduce((a, b) => a + b, 0)
  expect(total).toBeGreaterThan(SWEEP_CONFIRM_USD)
  await expect(panel.getByTestId('sweep-total-estimate')).toHaveText(formatUsd(total))

  await panel.getByRole('button', { name: 'Run sweep' }).click()
  const confirm = page.getByRole('alertdialog')
  await expect(confirm).toContainText(`Run 4 takes for about ${formatUsd(total)}?`)
  await expect(confirm.getByRole('button', { name: 'Run 4 takes' })).toBeVisible()
  await confirm.getByRole('button', { name: 'Cancel' }).click()
  await expect(confirm).toHaveCount(0)
  await expect(page).toHaveURL(new RegExp(`/models/${V2V.id}$`))
  await page.goto(`/takes?q=${encodeURIComponent(prompt)}`)
  await expect(page.getByRole('heading', { name: /takes/i }).first()).toBeVisible()
  await expect(page.getByTestId('take-card')).toHaveCount(0)
})

test('a sweep keeps running on the server: reloading /sweeps/<id> mid-run shows it continue and complete', async ({ page, request }) => {
  test.setTimeout(180_000)
  const created = await request.post('/api/sweeps', {
    data: {
      endpointId: V2V.id,
      input: { prompt: `${marker('sweep-reload')} rain on a window`, video_url: clip },
      axes: [{ field: 'num_frames', values: [9, 17, 25, 33] }],
      concurrency: 1,
      varySeed: false,
    },
  })
  expect(created.status(), await created.text()).toBe(201)
  const { id, count, url } = (await created.json()) as { id: string; count: number; url: string }
  expect([count, url]).toEqual([4, `/sweeps/${id}`])

  await page.goto(url)
  // One take at a time: wait for the first to finish while the others are still to come.
  await expect(page.getByTestId('sweep-video')).toHaveCount(1, { timeout: 60_000 })
  const before = await sweepOf(request, id)
  expect(before.status).toBe('RUNNING')
  expect(before.cells.filter((cell) => cell.take?.status === 'COMPLETED').length).toBeLessThan(4)

  await page.reload()
  await expect(page.getByTestId('sweep-status')).toHaveText('Done', { timeout: 90_000 })
  await expect(page.getByTestId('sweep-video')).toHaveCount(4)
  const { sweep, mostInFlight } = await followSweep(request, id)
  expect(mostInFlight).toBeLessThanOrEqual(1)
  expect(sweep.cells.map((cell) => [cell.take?.status, cell.take?.input.num_frames])).toEqual([
    ['COMPLETED', 9],
    ['COMPLETED', 17],
    ['COMPLETED', 25],
    ['COMPLETED', 33],
  ])
})

test('N variations runs N takes of one input with N different seeds; an unlocked seed is new at each Run', async ({ page, request }) => {
  test.setTimeout(180_000)
  await page.goto(`/models/${V2V.id}`)
  await fillRequired(page, V2V, `${marker('variations')} a lantern in fog`)

  // Randomise puts a seed in the form; with the seed unlocked, Run picks a fresh one and records it.
  await page.getByText('Additional settings').click()
  const seedInput = page.getByLabel('Seed', { exact: true })
  await page.getByRole('button', { name: 'Randomise' }).click()
  const randomised = Number(await seedInput.inputValue())
  expect(Number.isInteger(randomised)).toBe(true)
  await page.getByLabel('Lock seed').uncheck()
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  await expect(page.getByTestId('result-video')).toBeVisible({ timeout: 60_000 })
  const ran = Number(await seedInput.inputValue())
  expect(ran).not.toBe(randomised)
  expect((await shownPayload(page)).seed).toBe(ran)

  const panel = await openSweepPanel(page)
  await panel.getByLabel('Variations').fill('3')
  await panel.getByRole('button', { name: '3 variations' }).click()
  await expect(panel.getByTestId('sweep-take-count')).toHaveText('3 takes')
  await expect(panel.getByLabel('Vary seed')).toHaveCount(0)
  await panel.getByRole('button', { name: 'Run sweep' }).click()
  await expect(page).toHaveURL(/\/sweeps\//)
  const { sweep } = await followSweep(request, idFromUrl(page))
  const seeds = sweep.cells.map((cell) => cell.take?.input.seed)
  expect(new Set(seeds).size).toBe(3)
  expect(sweep.cells.every((cell) => cell.take?.status === 'COMPLETED')).toBe(true)
  await expect(page.getByTestId('sweep-video')).toHaveCount(3)
})

test('a sweep with an invalid value is refused whole, named on its field, before anything is submitted', async ({ page, request }) => {
  const prompt = `${marker('sweep-bad')} a clock tower`
  const response = await request.post('/api/sweeps', {
    data: { endpointId: V2V.id, input: { prompt, video_url: clip }, axes: [{ field: 'guidance_scale', values: [2, 20] }], concurrency: 2, varySeed: false },
  })
  expect(response.status()).toBe(400)
  const problem = (await response.json()) as { detail: string; field: string }
  expect(problem.field).toBe('guidance_scale')
  expect(problem.detail).toContain('guidance_scale = 20')
  // Nothing was recorded, so nothing was submitted.
  await page.goto(`/takes?q=${encodeURIComponent(prompt)}`)
  await expect(page.getByTestId('take-card')).toHaveCount(0)

  // In the panel, the bad value is named on its input before any request.
  await page.goto(`/models/${V2V.id}`)
  const panel = await openSweepPanel(page)
  await panel.getByLabel('Sweep field 1').selectOption('guidance_scale')
  const values = panel.getByLabel('Values 1', { exact: true })
  await values.fill('2, 20')
  await expect(values).toHaveAttribute('aria-invalid', 'true')
  await expect(panel).toContainText('“20” is above the maximum 10')
  await expect(page.getByTestId('sweep-summary')).toContainText('Enter valid values to see the takes')

  expect((await request.get('/api/sweeps/nope-nope-nope-nope-no')).status()).toBe(404)
  expect((await page.goto('/sweeps/nope-nope-nope-nope-no'))?.status()).toBe(404)
})

test('Stop sweep submits no more takes; those already submitted finish', async ({ page, request }) => {
  const created = await request.post('/api/sweeps', {
    data: { endpointId: V2V.id, input: { prompt: `${marker('sweep-stop')} a tram at night`, video_url: clip }, axes: [{ field: 'num_frames', values: [9, 17, 25, 33] }], concurrency: 1, varySeed: false },
  })
  expect(created.status()).toBe(201)
  const { id, url } = (await created.json()) as { id: string; url: string }
  await page.goto(url)
  await expect(page.locator('[data-testid="sweep-cell"][data-index="0"]')).not.toHaveAttribute('data-status', 'WAITING')
  await page.getByRole('button', { name: 'Stop sweep' }).click()
  await expect(page.getByTestId('sweep-status')).toHaveText('Stopped')
  const { sweep } = await followSweep(request, id)
  const submitted = sweep.cells.filter((cell) => cell.submitted)
  expect(submitted.length).toBeLessThan(4)
  expect(submitted.every((cell) => cell.take && !UNFINISHED.has(cell.take.status))).toBe(true)
  await expect(page.locator('[data-testid="sweep-cell"][data-status="SKIPPED"]')).toHaveCount(4 - submitted.length)
  await expect(page.getByText('Not run: the sweep was stopped').first()).toBeVisible()
  await expect(page.getByRole('button', { name: 'Stop sweep' })).toHaveCount(0)
})
