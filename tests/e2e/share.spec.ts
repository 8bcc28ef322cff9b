import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import { formatUsd } from '@/lib/pricing'
import { backendControl } from './backend'
import { finishedTake, makeTake, marker, submitTake, uploadClip, V2V } from './submit'

const XSS_PROMPT = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'

const cardOf = (page: Page, id: string) => page.locator(`[data-testid="take-card"][data-take-id="${id}"]`)
const meta = (page: Page, property: string) => page.locator(`meta[property="${property}"], meta[name="${property}"]`).first()

let clip: string
test.beforeAll(async ({ baseURL }) => {
  clip = await uploadClip(baseURL!)
})

/** Shares a take through the API; its share page's path. */
async function shareOf(request: APIRequestContext, id: string): Promise<string> {
  const response = await request.put(`/api/takes/${id}/share`)
  expect(response.status()).toBe(200)
  const { sharePath } = (await response.json()) as { sharePath: string }
  expect(sharePath).toMatch(/^\/s\/[A-Za-z0-9_-]{22}$/)
  return sharePath
}

test('a take is private until shared; Share mints a link that opens without cookies: player, parameters without the owner’s URLs, costs, and absolute og tags', async ({ page, context, browser, request, baseURL }) => {
  const prompt = `${marker('share')} a red kite over the hills`
  const take = await makeTake(request, clip, prompt)
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await page.goto(`/takes?q=${encodeURIComponent(prompt)}`)
  const card = cardOf(page, take.id)
  await expect(card.getByTestId('take-private')).toHaveText('Private')
  await expect(card.getByRole('button', { name: 'Copy link' })).toHaveCount(0)
  await card.getByRole('button', { name: 'Share' }).click()
  await card.getByRole('button', { name: 'Copy link' }).click()
  await expect(card.getByRole('button', { name: 'Copied' })).toBeVisible()
  const link = await page.evaluate(() => navigator.clipboard.readText())
  expect(link).toMatch(new RegExp(`^${baseURL}/s/[A-Za-z0-9_-]{22}$`))
  const token = link.split('/s/')[1]!
  const shared = { videoUrl: `${take.videoUrl}?s=${token}`, posterUrl: `${take.posterUrl}?s=${token}` }

  const fresh = await browser.newContext()
  const viewer = await fresh.newPage()
  expect((await fresh.cookies()).length).toBe(0)
  const response = await viewer.goto(link)
  expect(response!.status()).toBe(200)

  await expect(viewer.getByRole('heading', { level: 1 })).toHaveText(V2V.title)
  await expect(viewer.getByText(V2V.id, { exact: true })).toBeVisible()
  await expect(viewer.getByTestId('take-prompt')).toHaveText(prompt)
  await expect(viewer.getByTestId('take-status-badge')).toHaveText('Completed')
  const video = viewer.getByTestId('share-video')
  await expect(video).toHaveAttribute('controls', '')
  await expect(video).toHaveAttribute('poster', shared.posterUrl)
  await expect(video).toHaveAttribute('src', shared.videoUrl)
  await video.evaluate((element: HTMLVideoElement) => element.load())
  await expect.poll(() => video.evaluate((element: HTMLVideoElement) => element.readyState >= 1 && element.duration > 0)).toBe(true)

  const parameters = viewer.getByTestId('take-parameters')
  // The owner's input URL is not shown to someone holding the link; the seed the take ran with is.
  await expect(parameters.locator('dt')).toHaveText(['prompt', 'seed'])
  await expect(parameters.locator('dd').nth(0)).toHaveText(prompt)
  expect(await viewer.content()).not.toContain(clip)
  await expect(viewer.getByTestId('share-estimate')).toHaveText(formatUsd(take.estimateUsd!))
  await expect(viewer.getByTestId('share-billed')).toHaveText(formatUsd(take.billedUsd!))
  await expect(viewer.getByRole('region', { name: 'Timing' })).toContainText('Inference')
  await expect(viewer.getByRole('link', { name: 'Download' })).toHaveAttribute('href', `${shared.videoUrl}&download=1`)
  await expect(viewer.getByRole('link', { name: 'Remix' })).toHaveCount(0)

  // Link previews: absolute URLs on the studio's origin, which answer.
  await expect(viewer).toHaveTitle(`${prompt} · Takes`)
  await expect(meta(viewer, 'og:title')).toHaveAttribute('content', prompt)
  await expect(meta(viewer, 'og:type')).toHaveAttribute('content', 'video.other')
  await expect(meta(viewer, 'og:url')).toHaveAttribute('content', link)
  await expect(meta(viewer, 'og:image')).toHaveAttribute('content', `${baseURL}${shared.posterUrl}`)
  await expect(meta(viewer, 'og:video')).toHaveAttribute('content', `${baseURL}${shared.videoUrl}`)
  await expect(meta(viewer, 'og:video:type')).toHaveAttribute('content', 'video/mp4')
  await expect(meta(viewer, 'og:video:width')).toHaveAttribute('content', '320')
  await expect(meta(viewer, 'og:video:height')).toHaveAttribute('content', '192')
  await expect(meta(viewer, 'twitter:card')).toHaveAttribute('content', 'summary_large_image')
  await expect(meta(viewer, 'twitter:image')).toHaveAttribute('content', `${baseURL}${shared.posterUrl}`)
  await expect(meta(viewer, 'robots')).toHaveAttribute('content', /noindex/)
  const image = await request.get(String(await meta(viewer, 'og:image').getAttribute('content')))
  expect(image.status()).toBe(200)
  expect(image.headers()['content-type']).toMatch(/^image\//)
  await fresh.close()
})

test('an unfurler that runs no script finds the tags in <head>', async ({ request, baseURL }) => {
  const prompt = `${marker('unfurl')} harbour lights`
  const take = await makeTake(request, clip, prompt)
  const path = await shareOf(request, take.id)
  const token = path.slice('/s/'.length)
  const response = await request.get(path, { headers: { 'user-agent': 'facebookexternalhit/1.1' } })
  expect(response.status()).toBe(200)
  const head = (await response.text()).split('</head>')[0]!
  expect(head).toContain(`<meta property="og:title" content="${prompt}"/>`)
  expect(head).toContain(`<meta property="og:image" content="${baseURL}${take.posterUrl}?s=${token}"/>`)
  expect(head).toContain(`<meta property="og:video" content="${baseURL}${take.videoUrl}?s=${token}"/>`)
})

test('revoking a link makes it a 404; sharing again mints a new link and the old one stays dead', async ({ page, browser, request, baseURL }) => {
  const prompt = `${marker('revoke')} to be revoked`
  const take = await makeTake(request, clip, prompt)
  const first = await shareOf(request, take.id)
  await page.goto(`/takes?q=${encodeURIComponent(prompt)}`)
  const card = cardOf(page, take.id)
  await card.getByRole('button', { name: 'Revoke link' }).click()
  // Nothing is revoked until the question is answered.
  const question = page.getByRole('alertdialog', { name: 'Revoke the share link?' })
  await expect(question).toBeVisible()
  expect((await request.get(first)).status()).toBe(200)
  await question.getByRole('button', { name: 'Revoke link' }).click()
  await expect(card.getByTestId('take-private')).toHaveText('Private')
  await expect(card.getByRole('button', { name: 'Copy link' })).toHaveCount(0)
  await expect(card.getByRole('link').first()).toHaveAttribute('href', `/t/${take.id}`)

  const fresh = await browser.newContext({ baseURL })
  const viewer = await fresh.newPage()
  const response = await viewer.goto(first)
  expect(response!.status()).toBe(404)
  await expect(viewer.getByRole('heading', { name: 'This take is not shared' })).toBeVisible()
  await expect(viewer.getByText(prompt)).toHaveCount(0)
  expect(await viewer.content()).not.toContain(take.id)

  await card.getByRole('button', { name: 'Share' }).click()
  await expect(card.getByRole('button', { name: 'Copy link' })).toBeVisible()
  const second = await shareOf(request, take.id)
  expect(second).not.toBe(first)
  expect((await viewer.goto(first))!.status()).toBe(404)
  expect((await viewer.goto(second))!.status()).toBe(200)
  await expect(viewer.getByTestId('take-prompt')).toHaveText(prompt)
  await fresh.close()
})

test('a prompt full of markup is literal text on the history and take pages', async ({ page, request }) => {
  const take = await makeTake(request, clip, XSS_PROMPT)
  const scriptRan = () => page.evaluate(() => (window as { __xss?: unknown }).__xss)

  await page.goto(`/takes?q=${encodeURIComponent('window.__xss=1')}`)
  await expect(cardOf(page, take.id).getByTestId('take-prompt')).toHaveText(XSS_PROMPT)
  await page.getByTestId('take-card').first().hover()
  expect(await scriptRan()).toBeUndefined()
  await expect(page.locator('img[src="x"]')).toHaveCount(0)

  await page.goto(await shareOf(request, take.id))
  await expect(page.getByTestId('take-prompt')).toHaveText(XSS_PROMPT)
  await expect(page.getByTestId('take-parameters').locator('dd').first()).toHaveText(XSS_PROMPT)
  await expect(page.locator('meta[property="og:title"]')).toHaveAttribute('content', XSS_PROMPT)
  await expect(page).toHaveTitle(`${XSS_PROMPT} · Takes`)
  await expect(page.locator('img[src="x"]')).toHaveCount(0)
  expect(await scriptRan()).toBeUndefined()
})

test('the page of an unfinished take follows it and shows the video when it ends', async ({ page, request }, testInfo) => {
  const tag = `share-${testInfo.testId}`
  await backendControl(request, { tag, faults: { slowRunsMs: 4000 } })
  const prompt = `${marker('follow')} slow take`
  const id = await submitTake(request, V2V.id, { prompt, video_url: clip }, tag)
  await page.goto(`/t/${id}`)
  await expect(page.getByTestId('take-status-badge')).toHaveText(/In queue|In progress/)
  await expect(page.getByTestId('take-watcher')).toBeVisible()
  await expect(page.getByTestId('share-video-placeholder')).toBeVisible()

  await expect(page.getByTestId('take-status-badge')).toHaveText('Completed', { timeout: 30_000 })
  await expect(page.getByTestId('take-watcher')).toHaveCount(0)
  await expect(page.getByTestId('share-video')).toBeVisible()
  expect((await finishedTake(request, id)).status).toBe('COMPLETED')
})

test('a failed take shows what went wrong, and can still be remixed', async ({ page, request }, testInfo) => {
  const tag = `share-${testInfo.testId}`
  await backendControl(request, { tag, faults: { failNextRuns: 1 } })
  const take = await makeTake(request, clip, `${marker('failed')} crashes`, { tag })
  expect(take.status).toBe('FAILED')
  await page.goto(`/t/${take.id}`)
  await expect(page.getByTestId('take-status-badge')).toHaveText('Failed')
  await expect(page.getByTestId('take-error')).toContainText('The model crashed while generating this take.')
  await expect(page.getByTestId('share-video-placeholder')).toHaveText('This take has no video.')
  // fal bills nothing for a run that failed on its side: it says zero units.
  await expect(page.getByTestId('share-billed')).toHaveText(formatUsd(0))
  await expect(page.getByRole('link', { name: 'Download' })).toHaveCount(0)
  await expect(page.getByRole('link', { name: 'Remix' })).toHaveAttribute('href', `/models/${V2V.id}?remix=${take.id}`)
})

test('the share and delete APIs answer 404 for a take that does not exist', async ({ request }) => {
  expect((await request.put('/api/takes/no-such-take/share')).status()).toBe(404)
  expect((await request.delete('/api/takes/no-such-take/share')).status()).toBe(404)
  expect((await request.delete('/api/takes/no-such-take')).status()).toBe(404)
  expect((await request.get('/t/no-such-take')).status()).toBe(404)
  expect((await request.get('/s/no-such-link')).status()).toBe(404)
})
