import { expect, test, type Locator, type Page } from '@playwright/test'
import { formatUsd } from '@/lib/pricing'
import { backendControl } from './backend'
import { makeTake, marker, uploadClip, V2V, V2V_23 } from './submit'

const cards = (page: Page) => page.getByTestId('take-card')
const cardOf = (page: Page, id: string) => page.locator(`[data-testid="take-card"][data-take-id="${id}"]`)

async function expectPosterLoaded(card: Locator) {
  const poster = card.getByTestId('take-poster')
  await expect(poster).toBeVisible()
  await expect.poll(() => poster.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true)
}

// A card's time is shown in the browser's zone: pin it, for the title asserted below.
test.use({ timezoneId: 'UTC' })

let clip: string
test.beforeAll(async ({ baseURL }) => {
  clip = await uploadClip(baseURL!)
})

test('a finished take shows its prompt, poster, status, costs and time, and plays on hover', async ({ page, request }) => {
  const prompt = `${marker('history')} a lighthouse at dusk`
  const take = await makeTake(request, clip, prompt)
  expect(take.status).toBe('COMPLETED')

  await page.goto('/')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click()
  await expect(page).toHaveURL(/\/takes$/)
  await expect(page.getByRole('heading', { name: 'History' })).toBeVisible()

  const card = cardOf(page, take.id)
  await expect(card.getByTestId('take-prompt')).toHaveText(prompt)
  await expect(card.getByTestId('take-endpoint')).toHaveText(V2V.title)
  await expect(card.getByTestId('take-status-badge')).toHaveText('Completed')
  await expect(card.getByTestId('take-estimate')).toHaveText(formatUsd(take.estimateUsd!))
  await expect(card.getByTestId('take-billed')).toHaveText(formatUsd(take.billedUsd!))
  const time = card.locator('time')
  await expect(time).toHaveAttribute('dateTime', take.createdAt)
  await expect(time).toHaveText(/just now|second|minute/)
  await expect(time).toHaveAttribute('title', /UTC$/)
  await expectPosterLoaded(card)
  await expect(card.getByRole('link').first()).toHaveAttribute('href', `/t/${take.id}`)

  // The preview loads nothing until pointed at, then plays muted and looping. On this take's own
  // search, so that takes other tests make meanwhile do not push the card from under the pointer.
  await page.goto(`/takes?q=${encodeURIComponent(prompt)}`)
  await expectPosterLoaded(card)
  const preview = card.getByTestId('take-preview')
  await expect(preview).toHaveAttribute('preload', 'none')
  expect(await preview.evaluate((video: HTMLVideoElement) => ({ muted: video.muted, loop: video.loop, state: video.readyState }))).toEqual({ muted: true, loop: true, state: 0 })
  await card.getByTestId('take-poster').hover()
  await expect.poll(() => preview.evaluate((video: HTMLVideoElement) => !video.paused && video.currentTime > 0)).toBe(true)
  await page.mouse.move(0, 0)
  await expect.poll(() => preview.evaluate((video: HTMLVideoElement) => video.paused)).toBe(true)
  // Keyboard users get the same preview when the card's link takes focus.
  await card.getByRole('link').first().focus()
  await expect.poll(() => preview.evaluate((video: HTMLVideoElement) => !video.paused)).toBe(true)
  await card.getByRole('link').first().blur()
  await expect.poll(() => preview.evaluate((video: HTMLVideoElement) => video.paused)).toBe(true)
})

test('model and status filters and the prompt search narrow the grid, keeping each other', async ({ page, request }, testInfo) => {
  const tag = `history-${testInfo.testId}`
  const id = marker('filters')
  await backendControl(request, { tag, faults: { failNextRuns: 1 } })
  const [failed, other, plain] = await Promise.all([
    makeTake(request, clip, `${id} gamma crashes`, { tag }),
    makeTake(request, clip, `${id} beta on 2.3`, { endpointId: V2V_23.id }),
    makeTake(request, clip, `${id} alpha plain`),
  ])
  expect([failed.status, other.status, plain.status]).toEqual(['FAILED', 'COMPLETED', 'COMPLETED'])

  await page.goto(`/takes?q=${encodeURIComponent(id)}`)
  await expect(cards(page)).toHaveCount(3)
  const form = page.getByRole('search', { name: 'Filter takes' })
  await expect(form.getByLabel('Prompt contains')).toHaveValue(id)

  await form.getByLabel('Model').selectOption({ label: V2V_23.title })
  await form.getByRole('button', { name: 'Filter' }).click()
  await expect(page).toHaveURL(new RegExp(`endpoint=${encodeURIComponent(V2V_23.id)}`))
  await expect(cards(page)).toHaveCount(1)
  await expect(cardOf(page, other.id)).toBeVisible()

  await form.getByLabel('Model').selectOption({ label: 'All models' })
  await form.getByLabel('Status').selectOption({ label: 'Failed' })
  await form.getByRole('button', { name: 'Filter' }).click()
  await expect(page).toHaveURL(/status=FAILED/)
  await expect(cards(page)).toHaveCount(1)
  await expect(cardOf(page, failed.id).getByTestId('take-status-badge')).toHaveText('Failed')
  // fal bills nothing for a run that failed on its side: it says zero units.
  await expect(cardOf(page, failed.id).getByTestId('take-billed')).toHaveText(formatUsd(0))

  await form.getByLabel('Status').selectOption({ label: 'All statuses' })
  await form.getByLabel('Prompt contains').fill(`${id} alpha`)
  await form.getByLabel('Prompt contains').press('Enter')
  await expect(cards(page)).toHaveCount(1)
  await expect(cardOf(page, plain.id)).toBeVisible()

  // A filter that matches nothing says so, and offers the way back.
  await form.getByLabel('Status').selectOption({ label: 'Cancelled' })
  await form.getByRole('button', { name: 'Filter' }).click()
  await expect(cards(page)).toHaveCount(0)
  await expect(page.getByText('No takes match these filters')).toBeVisible()
  await page.getByRole('link', { name: 'Clear the filters' }).click()
  await expect(page).toHaveURL(/\/takes$/)
  await expect(form.getByLabel('Prompt contains')).toHaveValue('')
  await expect(cardOf(page, plain.id)).toBeVisible()
})

test('the filter form works without JavaScript', async ({ browser, request, baseURL }) => {
  const id = marker('nojs')
  const take = await makeTake(request, clip, `${id} no script`)
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL })
  const page = await context.newPage()
  await page.goto('/takes?size=5')
  const form = page.getByRole('search', { name: 'Filter takes' })
  await form.getByLabel('Prompt contains').fill(id)
  await form.getByRole('button', { name: 'Filter' }).click()
  await expect(page).toHaveURL(new RegExp(`q=${id}.*size=5|size=5.*q=${id}`))
  await expect(cards(page)).toHaveCount(1)
  await expect(cardOf(page, take.id).getByTestId('take-prompt')).toHaveText(`${id} no script`)
  await context.close()
})

test('keyset pages: Older takes continues, Newest starts over', async ({ page, request }) => {
  const id = marker('pages')
  const made = []
  // One after another, so their order (newest first) is known.
  for (const word of ['first', 'second', 'third']) made.push(await makeTake(request, clip, `${id} ${word}`))
  const [first, second, third] = made.map((take) => take.id)

  await page.goto(`/takes?q=${id}&size=2`)
  await expect(cards(page)).toHaveCount(2)
  await expect(cards(page).nth(0)).toHaveAttribute('data-take-id', third!)
  await expect(cards(page).nth(1)).toHaveAttribute('data-take-id', second!)
  await expect(page.getByRole('link', { name: /Newest/ })).toHaveCount(0)

  await page.getByRole('link', { name: /Older takes/ }).click()
  await expect(page).toHaveURL(/cursor=/)
  await expect(page).toHaveURL(/size=2/)
  await expect(cards(page)).toHaveCount(1)
  await expect(cards(page).nth(0)).toHaveAttribute('data-take-id', first!)
  await expect(page.getByRole('link', { name: /Older takes/ })).toHaveCount(0)

  await page.getByRole('link', { name: /Newest/ }).click()
  await expect(page).not.toHaveURL(/cursor=/)
  await expect(cards(page).nth(0)).toHaveAttribute('data-take-id', third!)

  // The size is capped: 48 at most.
  await page.goto(`/takes?q=${id}&size=1000`)
  await expect(cards(page)).toHaveCount(3)
})

test('a damaged page link shows a friendly message, not an error', async ({ page }) => {
  const response = await page.goto('/takes?cursor=not-a-cursor&size=2')
  expect(response!.status()).toBe(200)
  await expect(page.getByText('This page of the history cannot be found')).toBeVisible()
  await page.getByRole('link', { name: 'Start again from the newest takes' }).click()
  await expect(page).toHaveURL(/\/takes\?size=2$/)
  await expect(page.getByText('This page of the history cannot be found')).toHaveCount(0)
})

test('delete asks first, then removes the card, the take and its video', async ({ page, request }) => {
  const prompt = `${marker('delete')} to be deleted`
  const take = await makeTake(request, clip, prompt)
  expect((await request.get(take.videoUrl!)).status()).toBe(200)
  await page.goto(`/takes?q=${encodeURIComponent(prompt)}`)
  const card = cardOf(page, take.id)
  await expect(card).toBeVisible()

  const question = page.getByRole('alertdialog', { name: 'Delete this take?' })
  await card.getByRole('button', { name: 'Delete' }).click()
  await question.getByRole('button', { name: 'Cancel' }).click()
  await expect(question).toHaveCount(0)
  await expect(card.getByRole('button', { name: 'Delete' })).toBeFocused()
  await expect(card).toBeVisible()
  expect((await request.get(`/api/takes/${take.id}`)).status()).toBe(200)

  await card.getByRole('button', { name: 'Delete' }).click()
  await question.getByRole('button', { name: 'Delete take' }).click()
  await expect(card).toHaveCount(0)
  await expect(page.getByText('No takes match these filters')).toBeVisible()
  expect((await request.get(`/api/takes/${take.id}`)).status()).toBe(404)
  expect((await request.get(take.videoUrl!)).status()).toBe(404)
  expect((await request.delete(`/api/takes/${take.id}`)).status()).toBe(404)
})
