import { expect, test, type Page } from '@playwright/test'
import { makeTake, marker, uploadClip, V2V } from './submit'

// Every page at 390 px: nothing wider than the screen, the badge on one line, Run within reach,
// the sweep grid scrolling on its own, the compare view stacked.

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true })

async function expectNoSidewaysScroll(page: Page, path: string) {
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }))
  expect(widths.page, `${path} is wider than the screen`).toBeLessThanOrEqual(widths.screen)
}

test('the playground on a phone: Run and the estimate in reach from the start, the badge on one line; Run brings the stage into view', async ({ page }, testInfo) => {
  await page.goto(`/models/${V2V.id}`)
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeInViewport()
  await expect(page.getByTestId('estimate-amount')).toBeInViewport()
  const badge = await page.getByTestId('backend-badge').boundingBox()
  expect(badge!.height).toBeLessThan(32)
  expect(badge!.x + badge!.width).toBeLessThanOrEqual(390)
  await expectNoSidewaysScroll(page, 'the playground')
  await page.screenshot({ path: testInfo.outputPath('phone-playground.png') })
  // Scrolled down through the form, Run is still there.
  await page.getByText('Additional settings').scrollIntoViewIfNeeded()
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeInViewport()

  await page.getByRole('button', { name: 'Load example' }).click()
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  await expect(page.getByRole('region', { name: 'Result' })).toBeInViewport()
  await expect(page.getByTestId('result-video')).toBeVisible({ timeout: 60_000 })
  await expectNoSidewaysScroll(page, 'the playground with a result')
  await page.getByTestId('result-video').scrollIntoViewIfNeeded()
  await page.screenshot({ path: testInfo.outputPath('phone-result.png') })
})

test('history, take, compare and sweep pages on a phone', async ({ page, request, baseURL }, testInfo) => {
  test.setTimeout(180_000)
  const clip = await uploadClip(baseURL!)
  // A prompt with a word longer than the screen is wide: it must wrap, not widen the page.
  const long = marker('phone-long')
  const [first, second] = [await makeTake(request, clip, `${long} ${'unbroken'.repeat(12)}`), await makeTake(request, clip, marker('phone'))]
  for (const path of ['/', '/takes', `/takes?q=${long}`, `/t/${first.id}`]) {
    await page.goto(path)
    await expectNoSidewaysScroll(page, path)
  }

  await page.goto(`/compare?ids=${first.id},${second.id}`)
  await expectNoSidewaysScroll(page, 'compare')
  const cells = page.getByTestId('compare-cell')
  await expect(cells).toHaveCount(2)
  const [a, b] = [await cells.nth(0).boundingBox(), await cells.nth(1).boundingBox()]
  expect(Math.abs(a!.x - b!.x), 'the compare view is stacked').toBeLessThan(2)
  expect(b!.y).toBeGreaterThan(a!.y + a!.height - 1)

  const sweep = await request.post('/api/sweeps', {
    data: { endpointId: V2V.id, input: { prompt: marker('phone-sweep'), video_url: clip }, axes: [{ field: 'num_frames', values: [9, 17, 25] }], concurrency: 2, varySeed: false },
  })
  expect(sweep.status(), await sweep.text()).toBe(201)
  await page.goto(((await sweep.json()) as { url: string }).url)
  await expect(page.getByTestId('sweep-cell')).toHaveCount(3)
  await expectNoSidewaysScroll(page, 'sweep')
  const grid = page.getByRole('region', { name: 'Sweep grid' })
  const scroll = await grid.evaluate((element) => ({ width: element.scrollWidth, visible: element.clientWidth }))
  expect(scroll.width, 'the grid scrolls on its own').toBeGreaterThan(scroll.visible)
  await page.screenshot({ path: testInfo.outputPath('phone-sweep.png'), fullPage: true })
})
