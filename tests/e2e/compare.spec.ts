import { expect, test, type Locator, type Page } from '@playwright/test'
import { finishedTake, marker, submitTake, uploadClip, V2V } from './submit'

const cardOf = (page: Page, id: string) => page.locator(`[data-testid="take-card"][data-take-id="${id}"]`)

/** True once the element has played some of its video (robust to a short clip already ended). */
const hasPlayed = (video: Locator) =>
  video.evaluate((element: HTMLVideoElement) => element.played.length > 0 && element.played.end(element.played.length - 1) > 0.1)

let clip: string
test.beforeAll(async ({ baseURL }) => {
  clip = await uploadClip(baseURL!)
})

test('two takes picked in the history compare side by side, in sync, listing exactly the parameters that differ', async ({ page, request }) => {
  const id = marker('compare')
  const prompt = `${id} a paper boat on a pond`
  const base = { prompt, video_url: clip }
  // Same prompt and clip; the second sets two fields away from their defaults, and one explicitly to
  // its default, which must not count as a difference.
  const [first, second] = await Promise.all([
    submitTake(request, V2V.id, base).then((id) => finishedTake(request, id)),
    submitTake(request, V2V.id, { ...base, num_frames: 49, match_video_length: false, video_size: 'auto' }).then((id) => finishedTake(request, id)),
  ])
  expect([first.status, second.status]).toEqual(['COMPLETED', 'COMPLETED'])

  await page.goto(`/takes?q=${encodeURIComponent(id)}`)
  await expect(page.getByTestId('take-card')).toHaveCount(2)
  await expect(page.getByTestId('compare-bar')).toHaveCount(0)

  await cardOf(page, first.id).getByLabel('Compare', { exact: true }).check()
  const bar = page.getByRole('region', { name: 'Compare selection' })
  await expect(bar.getByRole('button', { name: 'Compare 1 take' })).toBeDisabled()
  await expect(bar).toContainText('Pick at least 2 takes to compare.')

  await cardOf(page, second.id).getByLabel('Compare', { exact: true }).check()
  const compare = bar.getByRole('link', { name: 'Compare 2 takes' })
  await expect(compare).toHaveAttribute('href', `/compare?ids=${first.id},${second.id}`)
  await compare.click()
  await expect(page).toHaveURL(new RegExp(`/compare\\?ids=${first.id},${second.id}$`))

  // Both takes, in the order picked, each with its player, status, model, prompt and link.
  const cells = page.getByTestId('compare-cell')
  await expect(cells).toHaveCount(2)
  for (const [index, take] of [first, second].entries()) {
    const cell = cells.nth(index)
    await expect(cell).toHaveAttribute('data-take-id', take.id)
    await expect(cell.getByTestId('take-status-badge')).toHaveText('Completed')
    await expect(cell.getByTestId('compare-endpoint')).toHaveText(V2V.title)
    await expect(cell.getByTestId('compare-prompt')).toHaveText(prompt)
    await expect(cell.getByRole('link', { name: 'Open take' })).toHaveAttribute('href', `/t/${take.id}`)
    await expect(cell.getByTestId('compare-video')).toHaveAttribute('src', take.videoUrl!)
    await expect(cell.getByTestId('compare-video')).toHaveAttribute('poster', take.posterUrl!)
  }

  // Exactly the parameters that differ, with each take's effective value: the two set, and the seed
  // the backend picked for each (neither input set one), digit for digit.
  const seeds = [first, second].map((take) => String(take.output?.seed))
  expect(seeds[0]).not.toBe(seeds[1])
  const table = page.getByTestId('compare-diff-table')
  const rows = table.locator('tbody tr')
  await expect(rows).toHaveCount(3)
  expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-param')))).toEqual(['match_video_length', 'num_frames', 'seed'])
  await expect(table.locator('[data-param="match_video_length"] td')).toHaveText(['true', 'false'])
  await expect(table.locator('[data-param="num_frames"] td')).toHaveText(['121', '49'])
  await expect(table.locator('[data-param="seed"] td')).toHaveText(seeds)

  // "Play all in sync" starts both from the start.
  const videos = page.getByTestId('compare-video')
  for (const video of await videos.all()) {
    expect(await video.evaluate((element: HTMLVideoElement) => ({ paused: element.paused, muted: element.muted }))).toEqual({ paused: true, muted: true })
  }
  await page.getByRole('button', { name: 'Play all in sync' }).click()
  for (const video of await videos.all()) await expect.poll(() => hasPlayed(video), { timeout: 15_000 }).toBe(true)
})

test('a compare address without two to four known takes says why', async ({ page }) => {
  await page.goto('/compare?ids=one')
  await expect(page.getByTestId('compare-notice')).toContainText('Pick 2 to 4 different takes to compare; only one was given.')
  await expect(page.getByTestId('compare-cell')).toHaveCount(0)

  const response = await page.goto('/compare?ids=a,b,c,d,e')
  expect(response?.status()).toBe(200)
  await expect(page.getByTestId('compare-notice')).toContainText('At most 4 takes can be compared at once; 5 were given.')

  await page.goto('/compare?ids=no-such-take-1,no-such-take-2')
  await expect(page.getByTestId('compare-notice')).toContainText('no-such-take-1, no-such-take-2')
  await expect(page.getByRole('link', { name: 'Pick takes in the history' })).toHaveAttribute('href', '/takes')
})
