import { expect, test, type Page } from '@playwright/test'
import { seedUsedBy } from '@/lib/takes/seed-used'
import { downloadFileName } from '@/lib/takes/download-name'
import { makeTake, marker, uploadClip, V2V } from './submit'

const meta = (page: Page, property: string) => page.locator(`meta[property="${property}"], meta[name="${property}"]`).first()

let clip: string
test.beforeAll(async ({ baseURL }) => {
  clip = await uploadClip(baseURL!)
})

/** The time `iso` shows in Tokyo (UTC+9, no daylight saving), as "…, 3:04 PM GMT+9". */
function tokyoTimePattern(iso: string): RegExp {
  const tokyo = new Date(Date.parse(iso) + 9 * 3600_000)
  const hour = tokyo.getUTCHours() % 12 || 12
  const minute = String(tokyo.getUTCMinutes()).padStart(2, '0')
  const meridiem = tokyo.getUTCHours() < 12 ? 'AM' : 'PM'
  return new RegExp(`, ${hour}:${minute}\\s${meridiem} GMT\\+9$`)
}

test('the take page shows the output’s facts, the seed, and the owner’s share control', async ({ page, context, request }) => {
  const prompt = `${marker('take-page')} a paper boat on a canal`
  const take = await makeTake(request, clip, prompt)
  expect(take.status).toBe('COMPLETED')
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await page.goto(`/t/${take.id}`)

  const facts = page.getByRole('region', { name: 'Output' })
  await expect(facts).toBeVisible()
  await expect(facts.locator('dt')).toHaveText(['Duration', 'Resolution', 'Frame rate', 'Frames', 'File size'])
  const values = facts.locator('dd')
  await expect(values.nth(0)).toHaveText(/^\d+\.\d s$/)
  await expect(values.nth(1)).toHaveText('320 × 192')
  await expect(values.nth(2)).toHaveText(/^\d+(\.\d+)? fps$/)
  await expect(values.nth(3)).toHaveText(/^\d+$/)
  await expect(values.nth(4)).toHaveText(/^\d+(\.\d)? (B|kB|MB)$/)
  await expect(page.getByTestId('take-seed')).toHaveText(String(seedUsedBy(take)))

  // Sharing: private first; Share shows the link itself, which Copy link copies; Revoke makes it private again.
  const sharing = page.getByRole('region', { name: 'Sharing' })
  await expect(sharing).toBeVisible()
  await expect(sharing.getByTestId('take-private')).toHaveText('Private')
  await sharing.getByRole('button', { name: 'Share' }).click()
  const link = sharing.getByRole('textbox', { name: 'Share link' })
  await expect(link).toHaveValue(/\/s\/[A-Za-z0-9_-]{22}$/)
  await sharing.getByRole('button', { name: 'Copy link' }).click()
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await link.inputValue())
  const shared = await request.get(`/api/takes/${take.id}`)
  expect(((await shared.json()) as { sharePath: string | null }).sharePath).toBe(new URL(await link.inputValue()).pathname)
  await sharing.getByRole('button', { name: 'Revoke link' }).click()
  await page.getByRole('alertdialog', { name: 'Revoke the share link?' }).getByRole('button', { name: 'Revoke link' }).click()
  await expect(sharing.getByTestId('take-private')).toHaveText('Private')
  await expect(link).toHaveCount(0)

  // Download: the kept copy, named for what it is.
  const download = page.getByRole('link', { name: 'Download' })
  const name = downloadFileName(V2V.id, take.id)
  expect(name).toBe(`ltx-2-19b-video-to-video-${take.id}.mp4`)
  await expect(download).toHaveAttribute('download', name)
  await expect(download).toHaveAttribute('href', `${take.videoUrl}?download=1`)
  const file = await request.get(`${take.videoUrl}?download=1`)
  expect(file.status()).toBe(200)
  expect(file.headers()['content-disposition']).toBe(`attachment; filename="${name}"`)
  // Played in the page, the same file is no download.
  expect((await request.get(take.videoUrl!)).headers()['content-disposition']).toMatch(/^inline/)
})

test('og:description says something other than the title, on the owner’s page and the share page (nothing private there)', async ({ page, browser, request, baseURL }) => {
  const prompt = `${marker('og')} a kite festival`
  const take = await makeTake(request, clip, prompt)
  expect(take.requestId).toBeTruthy()

  await page.goto(`/t/${take.id}`)
  const ownerTitle = await meta(page, 'og:title').getAttribute('content')
  const ownerDescription = await meta(page, 'og:description').getAttribute('content')
  expect(ownerTitle).toBe(prompt)
  expect(ownerDescription).toBeTruthy()
  expect(ownerDescription).not.toBe(ownerTitle)
  expect(ownerDescription).toContain(V2V.title)
  expect(ownerDescription).toContain(prompt)
  await expect(meta(page, 'description')).toHaveAttribute('content', ownerDescription!)

  const response = await request.put(`/api/takes/${take.id}/share`)
  const { sharePath } = (await response.json()) as { sharePath: string }
  const fresh = await browser.newContext({ baseURL })
  const viewer = await fresh.newPage()
  await viewer.goto(sharePath)
  const title = await meta(viewer, 'og:title').getAttribute('content')
  const description = await meta(viewer, 'og:description').getAttribute('content')
  expect(title).toBe(prompt)
  expect(description).not.toBe(title)
  expect(description).toMatch(new RegExp(`^A \\d+\\.\\d s, 320 × 192 video made with ${V2V.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.$`))
  await expect(meta(viewer, 'twitter:description')).toHaveAttribute('content', description!)
  // Nothing of the owner's: no input address, no request id.
  const head = await viewer.locator('head').innerHTML()
  expect(head).not.toContain(clip)
  expect(head).not.toContain(take.requestId!)
  // The share page's download is the shared copy, under the same name.
  await expect(viewer.getByRole('link', { name: 'Download' })).toHaveAttribute('download', downloadFileName(V2V.id, take.id))
  await fresh.close()
})

test('times show in the viewer’s time zone on the take page, the share page and the history', async ({ browser, request, baseURL }) => {
  const prompt = `${marker('zone')} a night market`
  const take = await makeTake(request, clip, prompt)
  const response = await request.put(`/api/takes/${take.id}/share`)
  const { sharePath } = (await response.json()) as { sharePath: string }
  const context = await browser.newContext({ baseURL, timezoneId: 'Asia/Tokyo', locale: 'en-US' })
  const page = await context.newPage()
  const tokyo = tokyoTimePattern(take.createdAt)

  await page.goto(`/t/${take.id}`)
  const created = page.getByRole('region', { name: 'Timing' }).locator('time')
  await expect(created).toHaveAttribute('dateTime', take.createdAt)
  await expect(created).toHaveText(tokyo)

  await page.goto(sharePath)
  await expect(page.getByRole('region', { name: 'Timing' }).locator('time')).toHaveText(tokyo)

  await page.goto(`/takes?q=${encodeURIComponent(prompt)}`)
  const cardTime = page.locator(`[data-testid="take-card"][data-take-id="${take.id}"] time`)
  await expect(cardTime).toHaveAttribute('dateTime', take.createdAt)
  await expect(cardTime).toHaveAttribute('title', tokyo)
  await context.close()
})
