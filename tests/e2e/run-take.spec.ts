import { expect, test } from '@playwright/test'
import { catalog } from '@/lib/endpoints'
import { formatUsd } from '@/lib/pricing'
import { backendControl } from './backend'
import { fieldFrame, openAdditionalSettings } from './helpers'
import { expectedEstimate, expectPlayableResult, fillRequired, occupyRunners, shownPayload, tagPage } from './takes'

const V2V = catalog.find('fal-ai/ltx-2-19b/video-to-video')!

for (const endpoint of catalog.endpoints) {
  test(`${endpoint.id}: estimate, queue, progress, a playing result and the billed amount`, async ({ page, request }, testInfo) => {
    test.setTimeout(90_000)
    const tag = `run-${testInfo.testId}`
    await tagPage(page, tag)
    await page.goto(`/models/${endpoint.id}`)
    await fillRequired(page, endpoint, `a take of ${endpoint.id}`)

    // The estimate is lib/pricing's for this input, once the browser has read the media.
    const payload = await shownPayload(page)
    const expected = expectedEstimate(endpoint, payload)
    expect(expected.assumptions.filter((line) => !line.startsWith('fal publishes no price'))).toEqual([])
    await expect(page.getByTestId('estimate-amount')).toHaveText(formatUsd(expected.amount))
    await expect(page.getByTestId('estimate-breakdown')).toHaveText(expected.breakdown)

    await occupyRunners(request, endpoint, payload, `${tag}-blockers`)
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(page.getByTestId('take-status')).toHaveText('In queue')
    await expect(page.getByTestId('queue-position')).toContainText(/Position \d+/)
    await expect(page.getByTestId('take-status')).toHaveText('In progress', { timeout: 30_000 })
    await expect(page.getByTestId('take-logs')).toContainText('Starting')
    await expect(page.getByTestId('take-status')).toHaveText('Completed', { timeout: 60_000 })
    await expect(page.getByTestId('take-logs')).toContainText('Denoising')
    await expect(page.getByTestId('inference-time')).toContainText(/Inference \d/)
    await expectPlayableResult(page)
    // The local backend renders exactly the shape that was estimated, so the bill equals the estimate.
    await expect(page.getByTestId('billed-amount')).toHaveText(formatUsd(expected.amount))
    expect((await backendControl(request)).counters.submitsByTag[tag]).toBe(1)
  })
}

test.describe('on LTX-2 19B video to video', () => {
  test.beforeEach(async ({ page }, testInfo) => {
    await tagPage(page, `run-${testInfo.testId}`)
    await page.goto(`/models/${V2V.id}`)
  })

  test('the estimate follows num_frames and video_size at once', async ({ page }) => {
    await fillRequired(page, V2V, 'a cat')
    const amount = page.getByTestId('estimate-amount')
    const breakdown = page.getByTestId('estimate-breakdown')
    await expect(breakdown).toHaveText(expectedEstimate(V2V, await shownPayload(page)).breakdown)

    await openAdditionalSettings(page)
    // With the video's length matched, frames come from the input; let num_frames decide.
    await page.getByLabel('Match Video Length', { exact: true }).click()
    const frames = page.getByLabel('Number of Frames', { exact: true })
    await frames.fill('241')
    await frames.blur()
    let expected = expectedEstimate(V2V, await shownPayload(page))
    expect(expected.shape.numFrames).toBe(241)
    await expect(breakdown).toHaveText(expected.breakdown)
    await expect(amount).toHaveText(formatUsd(expected.amount))

    await page.getByLabel('Video Size', { exact: true }).selectOption('square_hd')
    expected = expectedEstimate(V2V, await shownPayload(page))
    expect(expected.breakdown).toMatch(/^1024 × 1024 × 241 = /)
    await expect(breakdown).toHaveText(expected.breakdown)
    await expect(amount).toHaveText(formatUsd(expected.amount))
  })

  test('cancel while queued: the take ends cancelled and never runs', async ({ page, request }, testInfo) => {
    const tag = `run-${testInfo.testId}`
    await fillRequired(page, V2V, 'a cancelled take')
    await occupyRunners(request, V2V, await shownPayload(page), `${tag}-blockers`)
    await page.keyboard.press('Control+Enter')
    await expect(page.getByTestId('take-status')).toHaveText('In queue')
    await page.getByRole('button', { name: 'Cancel' }).click()
    await expect(page.getByTestId('take-status')).toHaveText('Cancelled', { timeout: 20_000 })
    await expect(page.getByTestId('take-logs')).not.toContainText('Starting')
    await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeEnabled()
    expect((await backendControl(request)).counters.submitsByTag[tag]).toBe(1)
  })

  test("a media URL the backend cannot fetch lands on its field as fal's 422", async ({ page }) => {
    await page.getByLabel('Prompt', { exact: true }).fill('a missing video')
    await page.getByLabel('Video URL', { exact: true }).fill("http://127.0.0.1:9/clip.mp4")
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(page.getByTestId('take-status')).toHaveText('Failed', { timeout: 30_000 })
    const frame = fieldFrame(page, 'video_url')
    await expect(frame.getByRole('alert')).toContainText(/could not|download|fetch/i)
    await expect(page.getByLabel('Video URL', { exact: true })).toHaveAttribute('aria-invalid', 'true')
    await expect(page.getByTestId('take-error')).toContainText('video_url')
  })

  test('a double click and a repeated shortcut still make exactly one submit', async ({ page, request }, testInfo) => {
    const tag = `run-${testInfo.testId}`
    await fillRequired(page, V2V, 'one take only')
    await page.getByRole('button', { name: 'Run', exact: true }).dblclick()
    await page.keyboard.press('Control+Enter')
    await expect(page.getByTestId('take-status')).toHaveText('Completed', { timeout: 60_000 })
    expect((await backendControl(request)).counters.submitsByTag[tag]).toBe(1)
  })

  test('a failed take shows its message, and Retry runs it again', async ({ page, request }, testInfo) => {
    const tag = `run-${testInfo.testId}`
    await backendControl(request, { tag, faults: { failNextRuns: 1 } })
    await fillRequired(page, V2V, 'a take that crashes once')
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(page.getByTestId('take-status')).toHaveText('Failed', { timeout: 30_000 })
    await expect(page.getByTestId('take-error')).toContainText('The model crashed while generating this take.')
    await expect(page.getByTestId('take-error')).toContainText('Trying again may work.')
    await page.getByTestId('take-error').getByRole('button', { name: 'Retry' }).click()
    await expect(page.getByTestId('take-status')).toHaveText('Completed', { timeout: 60_000 })
    await expectPlayableResult(page)
    expect((await backendControl(request)).counters.submitsByTag[tag]).toBe(2)
  })

  test('a dropped status stream is followed by polling the same request: one submit', async ({ page, request }, testInfo) => {
    const tag = `run-${testInfo.testId}`
    await backendControl(request, { tag, faults: { dropStreamAfterEvents: 2 } })
    await fillRequired(page, V2V, 'a take whose stream drops')
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(page.getByText('Connection dropped — following by polling')).toBeVisible({ timeout: 20_000 })
    await expect(page.getByTestId('take-status')).toHaveText('Completed', { timeout: 60_000 })
    await expectPlayableResult(page)
    const { counters } = await backendControl(request)
    expect(counters.submitsByTag[tag]).toBe(1)
  })

  test('429 on submit is retried with back-off before the user sees anything', async ({ page, request }, testInfo) => {
    const tag = `run-${testInfo.testId}`
    await backendControl(request, { tag, faults: { rejectNextSubmits: 2, rejectStatus: 429 } })
    await fillRequired(page, V2V, 'a take that meets a rate limit')
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(page.getByTestId('take-status')).toHaveText('Completed', { timeout: 60_000 })
    await expect(page.getByTestId('take-error')).toHaveCount(0)
    expect((await backendControl(request)).counters.submitsByTag[tag]).toBe(3)
  })

  test('the result offers use-this-seed and a synced compare with the input', async ({ page }) => {
    await fillRequired(page, V2V, 'a take to compare')
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(page.getByTestId('take-status')).toHaveText('Completed', { timeout: 60_000 })
    const facts = page.getByTestId('result-facts')
    await expect(facts).toContainText('320 × 192')
    await expect(facts).toContainText('49')
    const seed = (await facts.locator('div', { hasText: 'Seed' }).locator('dd').innerText()).trim()
    await page.getByRole('button', { name: 'Use this seed' }).click()
    await expect(page.getByLabel('Seed', { exact: true })).toHaveValue(seed)
    // The studio's kept copy, asked as a download (its answer names the file).
    await expect(page.getByRole('link', { name: 'Download' })).toHaveAttribute('href', /\.mp4\?download=1$/)

    await page.getByRole('button', { name: 'Play both in sync' }).click()
    await expect
      .poll(() =>
        page.evaluate(() => {
          const result = document.querySelector<HTMLVideoElement>('[data-testid="compare-result"]')!
          const input = document.querySelector<HTMLVideoElement>('[data-testid="compare-input"]')!
          return !result.paused && !input.paused && result.currentTime > 0.3 && Math.abs(result.currentTime - input.currentTime) < 0.3
        }),
      )
      .toBe(true)
  })

  test('code export shows the payload as cURL, JavaScript and Python', async ({ page }) => {
    await page.getByLabel('Prompt', { exact: true }).fill("it's a test")
    const snippet = page.getByTestId('code-snippet')
    await expect(snippet).toBeHidden()
    await page.locator('summary', { hasText: 'Code' }).click()
    await expect(snippet).toContainText(`https://queue.fal.run/${V2V.id}`)
    await expect(snippet).toContainText('$FAL_KEY')
    await page.getByRole('tab', { name: 'JavaScript' }).click()
    await expect(snippet).toContainText(`fal.subscribe("${V2V.id}"`)
    await page.getByRole('tab', { name: 'Python' }).click()
    await expect(snippet).toContainText('fal_client.subscribe(')
    await expect(snippet).toContainText(`"it's a test"`)
  })
})

test('the estimate lists what it assumes: media not chosen yet, and a borrowed rate', async ({ page }) => {
  await page.goto(`/models/${V2V.id}`)
  const untouched = expectedEstimate(V2V, await shownPayload(page))
  await expect(page.getByTestId('estimate-breakdown')).toHaveText(untouched.breakdown)
  await expect(page.getByTestId('estimate-assumptions')).toContainText('No input video chosen yet')

  const reference = catalog.find('fal-ai/ltx-2.3-22b/distilled/reference-video-to-video/lora')!
  await page.goto(`/models/${reference.id}`)
  await expect(page.getByTestId('estimate-assumptions')).toContainText('fal publishes no price for this endpoint')
  await fillRequired(page, reference, 'a reference take')
  await expect(page.getByTestId('estimate-assumptions')).not.toContainText('No input video chosen yet')
  await expect(page.getByTestId('estimate-assumptions')).toContainText('fal publishes no price for this endpoint')
})
