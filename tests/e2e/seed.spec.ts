import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import { parseExactJson } from '@/lib/json/exact-json'
import { isExactInteger } from '@/lib/json/exact-integer'
import { openAdditionalSettings } from './helpers'
import { finishedTake, marker, V2V } from './submit'
import { fillRequired, tagPage } from './takes'

// The seed a take used is part of the take, digit for digit, however many digits it has.

/** fal's documented seed: beyond 2^53, a JS number would make it 1490631192028410624. */
const FAL_SEED = '1490631192028410600'
const SUBMIT_TARGET = new RegExp(`^https://queue\\.fal\\.run/${V2V.id}/?(\\?.*)?$`)

/** Clicks Run and gives the body the browser's fal client sent to the proxy for the submit, read exactly. */
async function runAndReadSubmit(page: Page): Promise<Record<string, unknown>> {
  const bodies: string[] = []
  const onRequest = (request: import('@playwright/test').Request) => {
    if (request.method() === 'POST' && request.url().includes('/api/fal/proxy') && SUBMIT_TARGET.test(request.headers()['x-fal-target-url'] ?? '')) {
      bodies.push(request.postData() ?? '')
    }
  }
  page.on('request', onRequest)
  try {
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect.poll(() => bodies.length).toBe(1)
  } finally {
    page.off('request', onRequest)
  }
  return parseExactJson(bodies[0]!) as Record<string, unknown>
}

/** Waits for the playground's take to complete; its id. */
async function completedTakeId(page: Page): Promise<string> {
  await expect(page.getByTestId('take-status')).toHaveText('Completed', { timeout: 60_000 })
  const id = new URL(page.url()).searchParams.get('take')
  expect(id).toBeTruthy()
  return id!
}

/** The bytes of the video a take's page plays. */
async function videoOnTakePage(page: Page, request: APIRequestContext, id: string): Promise<Buffer> {
  await page.goto(`/t/${id}`)
  const src = await page.getByTestId('share-video').getAttribute('src')
  expect(src).toBeTruthy()
  const response = await request.get(src!)
  expect(response.status()).toBe(200)
  return response.body()
}

test('a take run with no seed keeps the seed it used: its remix sends that seed and makes the same video, byte for byte', async ({ page, request }, testInfo) => {
  test.setTimeout(150_000)
  await tagPage(page, `seed-${testInfo.testId}`)
  await page.goto(`/models/${V2V.id}`)
  await fillRequired(page, V2V, marker('seed-remix'))
  const sent = await runAndReadSubmit(page)
  expect(sent).not.toHaveProperty('seed')
  const originalId = await completedTakeId(page)
  const original = await finishedTake(request, originalId)
  expect(original.status).toBe('COMPLETED')

  // The seed the backend picked (unsigned 64-bit) is kept with the take's parameters, exactly as its output states it.
  const seed = original.input.seed
  expect(isExactInteger(seed), JSON.stringify(original.input)).toBe(true)
  expect(original.output?.seed).toEqual(seed)
  await page.goto(`/t/${originalId}`)
  await expect(page.getByTestId('take-seed')).toHaveText(String(seed))

  await page.getByRole('link', { name: 'Remix' }).click()
  await expect(page).toHaveURL(new RegExp(`\\?remix=${originalId}`))
  await openAdditionalSettings(page)
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue(String(seed))
  const remixSent = await runAndReadSubmit(page)
  expect(remixSent.seed).toEqual(seed)
  const remixId = await completedTakeId(page)
  expect(remixId).not.toBe(originalId)
  expect((await finishedTake(request, remixId)).input.seed).toEqual(seed)

  const [first, second] = [await videoOnTakePage(page, request, originalId), await videoOnTakePage(page, request, remixId)]
  expect(first.byteLength).toBeGreaterThan(1000)
  expect(second.equals(first)).toBe(true)
})

test('a 19-digit seed typed in the form reaches the backend digit for digit and shows on the take page', async ({ page, request }, testInfo) => {
  test.setTimeout(120_000)
  await tagPage(page, `seed-${testInfo.testId}`)
  await page.goto(`/models/${V2V.id}`)
  await fillRequired(page, V2V, marker('seed-typed'))
  await openAdditionalSettings(page)
  const seedField = page.getByLabel('Seed', { exact: true })
  await seedField.fill(FAL_SEED)
  await seedField.blur()
  await expect(seedField).toHaveValue(FAL_SEED)

  const sent = await runAndReadSubmit(page)
  expect(sent.seed).toBe(FAL_SEED)
  const id = await completedTakeId(page)
  // The backend renders with the seed it was given and states it in its output: the same digits.
  await expect(page.getByTestId('result-facts').locator('div', { hasText: 'Seed' }).locator('dd')).toHaveText(FAL_SEED)
  const take = await finishedTake(request, id)
  expect(take.input.seed).toBe(FAL_SEED)
  expect(take.output?.seed).toBe(FAL_SEED)
  await expect(page.getByTestId('take-logs')).toContainText(`seed ${FAL_SEED}`)

  await page.goto(`/t/${id}`)
  await expect(page.getByTestId('take-seed')).toHaveText(FAL_SEED)
  await expect(page.getByTestId('take-parameters')).toContainText(FAL_SEED)

  // "Use this seed" on the playground puts the same digits back in the form.
  await page.goto(`/models/${V2V.id}?take=${id}`)
  await expect(page.getByTestId('take-status')).toHaveText('Completed', { timeout: 30_000 })
  await openAdditionalSettings(page)
  await page.getByLabel('Seed', { exact: true }).fill('')
  await page.getByRole('button', { name: 'Use this seed' }).click()
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue(FAL_SEED)
})
