import { expect, test, type Locator, type Page } from '@playwright/test'
import { seedUsedBy } from '@/lib/takes/seed-used'
import { backendControl } from './backend'
import { makeTake, marker, uploadClip, V2V } from './submit'

const cards = (page: Page) => page.getByTestId('take-card')
const cardOf = (page: Page, id: string) => page.locator(`[data-testid="take-card"][data-take-id="${id}"]`)
const searchBox = (page: Page) => page.getByRole('search', { name: 'Filter takes' }).getByLabel('Prompt contains')

let clip: string
test.beforeAll(async ({ baseURL }) => {
  clip = await uploadClip(baseURL!)
})

test('a failed take’s card says why it failed', async ({ page, request }, testInfo) => {
  const tag = `cards-${testInfo.testId}`
  await backendControl(request, { tag, faults: { failNextRuns: 1 } })
  const prompt = `${marker('card-failed')} crashes`
  const take = await makeTake(request, clip, prompt, { tag })
  expect(take.status).toBe('FAILED')

  await page.goto(`/takes?q=${encodeURIComponent(prompt)}`)
  const card = cardOf(page, take.id)
  await expect(card.getByTestId('take-status-badge')).toHaveText('Failed')
  await expect(card.getByTestId('take-card-error')).toHaveText('The model crashed while generating this take.')
  // The whole reason opens on a click or a tap (a hover title reaches no phone); Escape closes it, the focus goes back.
  const why = card.getByRole('button', { name: 'Why this take failed' })
  await why.click()
  const reason = page.getByRole('dialog', { name: 'Why this take failed' })
  await expect(reason).toContainText('The model crashed while generating this take.')
  await page.keyboard.press('Escape')
  await expect(reason).toHaveCount(0)
  await expect(why).toBeFocused()
  // A failed take made no video: no length, no size.
  await expect(card.getByTestId('take-card-duration')).toHaveCount(0)
  await expect(card.getByTestId('take-card-size')).toHaveCount(0)
})

test('a card shows its duration, size and seed, offers Remix, and is one link to the take', async ({ page, request }) => {
  const prompt = `${marker('card-facts')} a tram in the rain`
  const take = await makeTake(request, clip, prompt)
  expect(take.status).toBe('COMPLETED')
  const seed = seedUsedBy(take)
  expect(seed).toBeDefined()

  await page.goto(`/takes?q=${encodeURIComponent(prompt)}`)
  const card = cardOf(page, take.id)
  await expect(card.getByTestId('take-card-duration')).toHaveText(/^\d+\.\d s$/)
  await expect(card.getByTestId('take-card-size')).toHaveText(/^\d+(\.\d)? (B|kB|MB)$/)
  await expect(card.getByTestId('take-card-seed')).toHaveText(String(seed))
  await expect(card.getByTestId('take-card-error')).toHaveCount(0)

  // One link to the take, wrapping nothing else a person can press; Remix is its own small target.
  const toTake = card.locator(`a[href="/t/${take.id}"]`)
  await expect(toTake).toHaveCount(1)
  await expect(card.locator('a :is(a, button, input, select, textarea, [tabindex]:not([tabindex="-1"]))')).toHaveCount(0)
  const remix = card.getByRole('link', { name: /^Remix/ })
  await expect(remix).toHaveAttribute('href', `/models/${V2V.id}?remix=${take.id}`)
  const [linkBox, remixBox] = [await toTake.boundingBox(), await remix.boundingBox()]
  expect(linkBox && remixBox && overlaps(linkBox, remixBox)).toBe(false)

  await remix.click()
  await expect(page).toHaveURL(`/models/${V2V.id}?remix=${take.id}`)
})

test('the search applies as you type, keeps the address in step, and survives a reload', async ({ page, request }) => {
  const id = marker('as-you-type')
  const [wanted, other] = await Promise.all([makeTake(request, clip, `${id} heron`), makeTake(request, clip, `${id} otter`)])

  await page.goto(`/takes?q=${encodeURIComponent(id)}`)
  await expect(cards(page)).toHaveCount(2)
  const box = searchBox(page)
  await box.click()
  await box.press('End')
  // Typed key by key, and never submitted: no Enter, no button.
  await box.pressSequentially(' her', { delay: 40 })
  await expect(page).toHaveURL(new RegExp(`[?&]q=${encodeURIComponent(`${id} her`).replace(/%20/g, '(%20|\\+)')}(&|$)`))
  await expect(cards(page)).toHaveCount(1)
  await expect(cardOf(page, wanted.id)).toBeVisible()
  await expect(cardOf(page, other.id)).toHaveCount(0)
  // The field kept the focus and what was typed while the page followed.
  await expect(box).toBeFocused()
  await expect(box).toHaveValue(`${id} her`)

  await page.reload()
  await expect(searchBox(page)).toHaveValue(`${id} her`)
  await expect(cards(page)).toHaveCount(1)
  await expect(cardOf(page, wanted.id)).toBeVisible()

  // A select applies at once, too.
  await page.getByRole('search', { name: 'Filter takes' }).getByLabel('Status').selectOption({ label: 'Failed' })
  await expect(page).toHaveURL(/status=FAILED/)
  await expect(cards(page)).toHaveCount(0)
})

function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

async function boxOf(locator: Locator) {
  const box = await locator.boundingBox()
  expect(box).not.toBeNull()
  return box!
}

test('the compare bar never covers a card: the one just picked, or the last', async ({ page, request }) => {
  const id = marker('compare-bar')
  const made = await Promise.all(['one', 'two', 'three'].map((word) => makeTake(request, clip, `${id} ${word}`)))
  // One column, a short window: the grid is taller than the window.
  await page.setViewportSize({ width: 480, height: 800 })
  await page.goto(`/takes?q=${encodeURIComponent(id)}`)
  await expect(cards(page)).toHaveCount(made.length)
  const last = cards(page).last()

  const bar = page.getByTestId('compare-bar')

  // Pick the first card from where its foot is at the window's bottom edge, where the bar appears:
  // the page brings the card clear of it.
  const first = cards(page).first()
  await first.evaluate((card) => card.scrollIntoView({ block: 'end' }))
  await first.getByTestId('compare-checkbox').check()
  await expect(bar).toBeVisible()
  await expect.poll(async () => overlaps(await boxOf(first), await boxOf(bar))).toBe(false)

  // Pick the last as well, at the end of the page: it is clear of the bar.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight))
  await last.getByTestId('compare-checkbox').check()
  await expect(bar.getByRole('link', { name: 'Compare 2 takes' })).toBeVisible()
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight))
  await expect.poll(async () => overlaps(await boxOf(last), await boxOf(bar))).toBe(false)
  const [lastBox, barBox] = [await boxOf(last), await boxOf(bar)]
  expect(lastBox.y + lastBox.height).toBeLessThanOrEqual(barBox.y)
})
