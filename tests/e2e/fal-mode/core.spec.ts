import type { Response } from '@playwright/test'
import { formatUsd } from '@/lib/pricing'
import type { TakeView } from '@/lib/takes/take-view'
import { expectedEstimate, expectPlayableResult, fillRequired, shownPayload, tagPage } from '../takes'
import { finishedTake, submitTake, uploadClip, V2V } from '../submit'
import { expect, test } from './fal-world'

// The core flows with the studio in fal mode (FAL_KEY set, no TAKES_BACKEND) against the fal double:
// every call the studio and the browser make to fal goes to fal's own host names (counted by the
// double's front), and the key shows up nowhere but in the calls to fal.

test.describe.configure({ mode: 'serial' })

test('upload, submit, follow, result and output copy, in Chromium, through fal’s hosts', async ({ page, falWorld, doubleControl }, testInfo) => {
  test.setTimeout(120_000)
  const tag = `fal-core-${testInfo.testId}`
  await tagPage(page, tag)
  const bodies: Promise<string>[] = []
  page.on('response', (response: Response) => {
    // Pages, scripts and API answers; an event stream never ends, and media hold no text.
    const type = response.headers()['content-type'] ?? ''
    if (response.url().startsWith(falWorld.studio.url) && /html|json|javascript|text\/plain/.test(type)) bodies.push(response.text().catch(() => ''))
  })
  const before = await falWorld.frontCounts()

  await page.goto(`/models/${V2V.id}`)
  await expect(page.getByTestId('backend-badge')).toHaveText(/^fal — /)
  await fillRequired(page, V2V, 'a take made in fal mode')
  const payload = await shownPayload(page)
  // The upload went to fal's storage: the URL is on fal's CDN host.
  expect(String(payload.video_url)).toMatch(/^https:\/\/v3\.fal\.media\//)
  const expected = expectedEstimate(V2V, payload)
  await expect(page.getByTestId('estimate-amount')).toHaveText(formatUsd(expected.amount))

  await page.getByRole('button', { name: 'Run', exact: true }).click()
  await expect(page.getByTestId('take-status')).toHaveText('Completed', { timeout: 60_000 })
  await expect(page.getByTestId('take-logs')).toContainText('Denoising')
  await expectPlayableResult(page)

  const takeId = ((await page.getByTestId('take-page-link').getAttribute('href')) ?? '').split('/').pop()!
  const take = (await (await page.request.get(`/api/takes/${takeId}`)).json()) as TakeView
  expect(take).toMatchObject({ status: 'COMPLETED', copyStatus: 'kept' })
  // The kept copy plays from the studio, not from fal's CDN.
  expect(take.videoUrl).toMatch(/^\/api\/outputs\//)

  const { counters } = await doubleControl()
  expect(counters.submitsByTag[tag]).toBe(1)
  const after = await falWorld.frontCounts()
  const more = (host: string) => (after.forwarded[host] ?? 0) - (before.forwarded[host] ?? 0)
  expect(more('queue.fal.run'), 'calls to fal’s queue').toBeGreaterThanOrEqual(3)
  expect(more('rest.fal.ai'), 'upload handshakes with fal’s storage').toBeGreaterThanOrEqual(1)
  expect(more('v3.fal.media'), 'the upload and the output copy on fal’s CDN').toBeGreaterThanOrEqual(2)
  // Chromium's own services (autofill and the like) are refused too; nothing else may be tried.
  const chromiumServices = /(^|\.)(google|googleapis|gstatic)\.com:443$/
  expect(after.refusedHosts.filter((host) => !chromiumServices.test(host)), 'hosts the browser or the studio tried that are not fal’s').toEqual([])
  expect(after.unmapped).toEqual([])

  // Nothing the browser received holds the key.
  for (const body of await Promise.all(bodies)) expect(body.includes(falWorld.key)).toBe(false)
})

test('with the follower off, fal’s signed webhook settles the take (keys from fal’s JWKS address)', async ({ request, falWorld }) => {
  test.setTimeout(120_000)
  await falWorld.studio.kill()
  await falWorld.restartStudio({ TAKES_FOLLOWER: '0' })
  try {
    const before = await falWorld.frontCounts()
    const video = await uploadClip(falWorld.studio.url)
    const id = await submitTake(request, V2V.id, { prompt: 'settled by the webhook', video_url: video })
    const take = await finishedTake(request, id)
    expect(take).toMatchObject({ status: 'COMPLETED', copyStatus: 'kept' })
    const after = await falWorld.frontCounts()
    // The follower never asked: no status stream or poll; the webhook's keys came from rest.fal.ai.
    expect((after.forwarded['rest.fal.ai'] ?? 0) - (before.forwarded['rest.fal.ai'] ?? 0)).toBeGreaterThanOrEqual(2)
  } finally {
    await falWorld.studio.kill()
    await falWorld.restartStudio()
  }
})

test('a run fal reports COMPLETED with an error: the page shows the error, billed $0', async ({ page, doubleControl }, testInfo) => {
  test.setTimeout(120_000)
  const tag = `fal-failed-${testInfo.testId}`
  await doubleControl({ tag, faults: { failNextRuns: 1 } })
  await tagPage(page, tag)
  await page.goto(`/models/${V2V.id}`)
  await fillRequired(page, V2V, 'a run that fails on fal')
  const submitted = page.waitForResponse((response) => response.url().endsWith('/api/fal/proxy') && response.request().method() === 'POST')
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  const { take_id: takeId } = (await (await submitted).json()) as { take_id: string }
  await expect(page.getByTestId('take-status')).toHaveText('Failed', { timeout: 60_000 })
  await expect(page.getByTestId('take-error')).toBeVisible()
  await expect(page.getByTestId('billed-amount')).toHaveText(formatUsd(0))

  const take = (await (await page.request.get(`/api/takes/${takeId}`)).json()) as TakeView
  expect(take).toMatchObject({ status: 'FAILED', billedUsd: 0, billing: { basis: 'fal', units: 0 } })
  await page.goto(`/t/${takeId}`)
  await expect(page.getByTestId('take-error')).toBeVisible()
  await expect(page.getByTestId('share-billed')).toHaveText(formatUsd(0))
  expect((await doubleControl()).counters.submitsByTag[tag]).toBe(1)
})

test('fal billing above the estimate is flagged in the playground, on the card and on the take page; nothing says simulated', async ({ page, falWorld, doubleControl }, testInfo) => {
  test.setTimeout(150_000)
  // Units come with the result call, which a webhook does not bring: without a public URL, the follower settles the take.
  await falWorld.studio.kill()
  await falWorld.restartStudio({ TAKES_PUBLIC_URL: '' })
  const tag = `fal-overbilled-${testInfo.testId}`
  await doubleControl({ tag, faults: { billedUnitsFactor: 2 } })
  await tagPage(page, tag)
  await page.goto(`/models/${V2V.id}`)
  await fillRequired(page, V2V, 'a take fal bills above its estimate')
  const estimate = expectedEstimate(V2V, await shownPayload(page))
  const submitted = page.waitForResponse((response) => response.url().endsWith('/api/fal/proxy') && response.request().method() === 'POST')
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  const { take_id: takeId } = (await (await submitted).json()) as { take_id: string }
  await expect(page.getByTestId('take-status')).toHaveText('Completed', { timeout: 60_000 })
  const take = (await (await page.request.get(`/api/takes/${takeId}`)).json()) as TakeView
  expect(take.billing).toMatchObject({ basis: 'fal' })
  expect(take.billedUsd!).toBeGreaterThan(estimate.amount)
  expect(take.billedAboveEstimate).toBe(true)
  await expect(page.getByTestId('billed-amount')).toHaveText(formatUsd(take.billedUsd!))
  await expect(page.getByTestId('billed-above-estimate')).toContainText('Billed above estimate by')
  await expect(page.getByTestId('amount-simulated')).toHaveCount(0)

  await page.goto(`/takes?q=${encodeURIComponent('fal bills above its estimate')}`)
  const card = page.locator(`[data-testid="take-card"][data-take-id="${takeId}"]`)
  await expect(card.getByTestId('billed-above-estimate')).toHaveText('Above estimate')
  await expect(card.getByTestId('bill-basis')).toHaveAttribute('data-bill-basis', 'fal')
  await page.goto(`/t/${takeId}`)
  await expect(page.getByTestId('billed-above-estimate')).toContainText('the estimate failed as an upper bound')
  await expect(page.getByTestId('bill-basis')).toContainText(/^fal billed .+ = \$/)
  await expect(page.getByTestId('amount-simulated')).toHaveCount(0)
  await falWorld.studio.kill()
  await falWorld.restartStudio()
})
