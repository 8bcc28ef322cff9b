import { expect, test } from '@playwright/test'
import { formatUsd } from '@/lib/pricing'
import { finishedTake, marker, submitTake, uploadClip, V2V } from './submit'

// On the local backend every amount says it is simulated, and a take's bill says how it was reached:
// the simulator answers fal's billable units, so the bill is units × the endpoint's rate.

test('local mode: the header, the playground, the history card and the take page label amounts as simulated; the bill is fal’s units × the rate', async ({ page, request, baseURL }) => {
  test.setTimeout(120_000)
  const prompt = marker('billing')
  const clip = await uploadClip(baseURL!)
  const take = await finishedTake(request, await submitTake(request, V2V.id, { prompt, video_url: clip }))
  expect(take.status).toBe('COMPLETED')
  expect(take.billing).toMatchObject({ basis: 'fal', unit: 'megapixel' })
  const billing = take.billing as { units: number; rateUsd: number }
  expect(formatUsd(billing.units * billing.rateUsd)).toBe(formatUsd(take.billedUsd!))
  expect(take.billedAboveEstimate).toBe(false)

  await page.goto(`/models/${V2V.id}`)
  await expect(page.getByTestId('amount-simulated')).not.toHaveCount(0)
  await expect(page.locator('header').getByTestId('amount-simulated')).toHaveText('simulated')
  await expect(page.getByRole('region', { name: 'Cost' }).getByTestId('amount-simulated')).toHaveText('simulated')

  await page.goto(`/takes?q=${encodeURIComponent(prompt)}`)
  const card = page.locator(`[data-testid="take-card"][data-take-id="${take.id}"]`)
  await expect(card.getByTestId('amount-simulated')).toHaveText('simulated')
  await expect(card.getByTestId('bill-basis')).toHaveText(/^fal billed \d+ MP$/)
  await expect(card.getByTestId('billed-above-estimate')).toHaveCount(0)

  await page.goto(`/t/${take.id}`)
  const cost = page.getByRole('region', { name: 'Cost' })
  await expect(cost.getByTestId('amount-simulated')).toHaveText('simulated')
  await expect(cost.getByTestId('share-billed')).toHaveText(formatUsd(take.billedUsd!))
  await expect(cost.getByTestId('bill-basis')).toContainText(`= ${formatUsd(take.billedUsd!)}`)
})
