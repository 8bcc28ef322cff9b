import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import { request as playwrightRequest } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { formatUsd } from '@/lib/pricing/estimate'
import { startStudio, type StudioProcess } from './server'
import { marker, V2V } from './submit'
import { expectedEstimate, fillRequired, shownPayload } from './takes'
import { openAdditionalSettings } from './helpers'

// A studio of its own with a password, caps and small rate limits: the guard as an owner would set it up.
const PASSWORD = 'correct horse battery staple'
const MAX_TAKE_USD = 0.05
const SUBMITS_PER_MINUTE = 4
const TAG = 'x-fal-takes-test-tag'
const PROXY = '/api/fal/proxy'
const SUBMIT_TARGET = `https://queue.fal.run/${V2V.id}`

let studio: StudioProcess
let dataDir: string

test.beforeAll(async ({}, info) => {
  dataDir = `.e2e-data-guard-${info.workerIndex}`
  await rm(dataDir, { recursive: true, force: true })
  studio = await startStudio(3300 + info.workerIndex, {
    TAKES_DATA_DIR: dataDir,
    TAKES_BACKEND: 'local',
    TAKES_LOCAL_CONTROL: '1',
    TAKES_LOCAL_RENDER_MS: '1500',
    TAKES_PASSWORD: PASSWORD,
    TAKES_MAX_TAKE_USD: String(MAX_TAKE_USD),
    DATABASE_URL: '',
  })
})

test.afterAll(async () => {
  await studio?.kill()
  await rm(dataDir, { recursive: true, force: true })
})

test.use({ baseURL: undefined })

async function signIn(page: Page, next = '/') {
  await page.goto(`${studio.url}/login?next=${encodeURIComponent(next)}`)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** An API client signed in through the real form post; its cookie is the session. */
async function signedInRequest(): Promise<APIRequestContext> {
  const api = await playwrightRequest.newContext({ baseURL: studio.url })
  const response = await api.post('/api/auth/login', { form: { password: PASSWORD, next: '/' }, maxRedirects: 0 })
  expect(response.status()).toBe(303)
  return api
}

/** How many calls carrying `tag` the studio's local backend has seen. */
async function backendCalls(tag: string, url = studio.url): Promise<number> {
  const api = await playwrightRequest.newContext({ baseURL: url })
  const response = await api.post('/api/local-fal/_control', { data: {} })
  const { counters } = (await response.json()) as { counters: { tagged: Record<string, number> } }
  await api.dispose()
  return counters.tagged[tag] ?? 0
}

test('signed out, pages go to /login and the API answers 401; signed in, a take runs and is shared; signed out again, its share link opens', async ({ page, browser }) => {
  test.setTimeout(120_000)
  for (const path of ['/', '/takes?status=COMPLETED', `/models/${V2V.id}`, '/compare']) {
    await page.goto(`${studio.url}${path}`)
    await expect(page).toHaveURL(`${studio.url}/login?next=${encodeURIComponent(path)}`)
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
  }
  const anonymous = await playwrightRequest.newContext({ baseURL: studio.url })
  for (const path of ['/api/presets?endpoint=x', '/api/sweeps/abc', '/api/endpoints']) {
    const response = await anonymous.get(path)
    expect(response.status(), path).toBe(401)
    expect(await response.json()).toMatchObject({ error_type: 'sign_in_required' })
  }

  // A wrong password says so and keeps `next`.
  await page.goto(`${studio.url}/login?next=${encodeURIComponent('/takes')}`)
  await page.getByLabel('Password').fill('wrong')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByText('That password is not right.')).toBeVisible()
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(`${studio.url}/takes`)
  const cookie = (await page.context().cookies()).find((entry) => entry.name === 'takes_session')
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })

  // Signed in: a take runs, and the day's spend shows.
  await page.goto(`${studio.url}/models/${V2V.id}`)
  await expect(page.getByTestId('spend-today')).toContainText('Today')
  const prompt = `${marker('guard')} a lighthouse`
  await fillRequired(page, V2V, prompt)
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  await expect(page.getByTestId('result-video')).toBeVisible({ timeout: 60_000 })
  await page.getByRole('link', { name: 'Take page' }).click()
  await expect(page).toHaveURL(/\/t\/[A-Za-z0-9_-]{22}$/)
  const takeUrl = page.url()
  // Private until shared: the owner shares it from its page.
  await expect(page.getByTestId('take-private')).toBeVisible()
  await page.getByRole('button', { name: 'Share' }).click()
  await expect(page.getByRole('button', { name: 'Copy link' })).toBeVisible()
  const { sharePath } = (await (await page.request.get(`${studio.url}/api/takes/${takeUrl.split('/t/')[1]}`)).json()) as { sharePath: string }

  // Signed out (a fresh browser): the owner's page of the take needs sign-in; the share link opens and
  // plays, and shows nothing of the studio.
  const stranger = await browser.newContext()
  const strangerPage = await stranger.newPage()
  await strangerPage.goto(takeUrl)
  await expect(strangerPage).toHaveURL(/\/login\?next=%2Ft%2F/)
  const opened = await strangerPage.goto(`${studio.url}${sharePath}`)
  expect(opened?.status()).toBe(200)
  await expect(strangerPage.getByTestId('take-prompt')).toHaveText(prompt)
  const video = strangerPage.locator('video').first()
  await expect.poll(() => video.evaluate((element: HTMLVideoElement) => element.readyState >= 2)).toBe(true)
  await expect(strangerPage.getByTestId('spend-today')).toHaveCount(0)
  await strangerPage.goto(`${studio.url}/takes`)
  await expect(strangerPage).toHaveURL(/\/login\?next=%2Ftakes$/)
  await stranger.close()

  // Sign out ends the session.
  await page.goto(`${studio.url}/takes`)
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(`${studio.url}/login`)
  await page.goto(`${studio.url}/takes`)
  await expect(page).toHaveURL(/\/login\?next=/)
})

test('a take whose estimate is over TAKES_MAX_TAKE_USD is refused before the backend, with the cap shown by the estimate', async ({ page }) => {
  test.setTimeout(90_000)
  await signIn(page, `/models/${V2V.id}`)
  await expect(page).toHaveURL(`${studio.url}/models/${V2V.id}`)
  const tag = randomUUID()
  await page.setExtraHTTPHeaders({ [TAG]: tag })
  await fillRequired(page, V2V, `${marker('over-cap')} a harbour`)
  await openAdditionalSettings(page)
  await page.getByLabel('Video Size', { exact: true }).selectOption('square_hd')
  const estimate = expectedEstimate(V2V, await shownPayload(page)).amount
  expect(estimate).toBeGreaterThan(MAX_TAKE_USD)
  const uploads = await backendCalls(tag)

  await page.getByRole('button', { name: 'Run', exact: true }).click()
  const run = page.getByRole('region', { name: 'Result' })
  await expect(run).toContainText('This take is over the studio’s spending cap.')
  await expect(run).toContainText(`The estimate ${formatUsd(estimate)} is over the per-take cap of ${formatUsd(MAX_TAKE_USD)} (TAKES_MAX_TAKE_USD) by ${formatUsd(estimate - MAX_TAKE_USD)}.`)
  // Nothing reached the backend beyond the upload, and nothing was recorded.
  expect(await backendCalls(tag)).toBe(uploads)
  await page.goto(`${studio.url}/takes`)
  await expect(page.getByText('a harbour')).toHaveCount(0)
})

// Each attack is refused, and the local backend counts no call for it.
const VALID = { prompt: 'a cowboy', video_url: 'https://v3.fal.media/files/x/in.mp4' }
type Attack = { name: string; signedIn: boolean; target?: string; method?: 'post' | 'get' | 'put'; headers?: Record<string, string>; data?: unknown; status: number }
const attacks: Attack[] = [
  { name: 'an unauthenticated submit', signedIn: false, target: SUBMIT_TARGET, data: VALID, status: 401 },
  { name: 'an unauthenticated status poll', signedIn: false, method: 'get', target: `https://queue.fal.run/fal-ai/ltx-2-19b/requests/0123456789abcdef/status`, status: 401 },
  { name: 'an unauthenticated upload handshake', signedIn: false, target: 'https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3', data: { content_type: 'video/mp4', file_name: 'a.mp4' }, status: 401 },
  { name: 'a forged session cookie', signedIn: false, headers: { cookie: 'takes_session=v1.99999999999.abc.forged' }, target: SUBMIT_TARGET, data: VALID, status: 401 },
  { name: 'an expired session cookie', signedIn: false, headers: { cookie: 'takes_session=v1.1000.abc.def' }, target: SUBMIT_TARGET, data: VALID, status: 401 },
  { name: 'the caller’s own fal key instead of a session', signedIn: false, headers: { authorization: 'Key attacker:secret' }, target: SUBMIT_TARGET, data: VALID, status: 401 },
  { name: 'a cross-origin submit with a valid session', signedIn: true, headers: { origin: 'https://evil.example' }, target: SUBMIT_TARGET, data: VALID, status: 403 },
  { name: 'a cross-site fetch with a valid session', signedIn: true, headers: { 'sec-fetch-site': 'cross-site' }, target: SUBMIT_TARGET, data: VALID, status: 403 },
  { name: 'a null origin', signedIn: true, headers: { origin: 'null' }, target: SUBMIT_TARGET, data: VALID, status: 403 },
  { name: 'another endpoint, signed in', signedIn: true, target: 'https://queue.fal.run/fal-ai/flux-pro/v1.1-ultra', data: { prompt: 'x' }, status: 403 },
  { name: 'a foreign host, signed in', signedIn: true, target: `https://evil.example.com/${V2V.id}`, data: VALID, status: 403 },
  { name: 'userinfo in the target, signed in', signedIn: true, target: `https://queue.fal.run@evil.example.com/${V2V.id}`, data: VALID, status: 403 },
  { name: 'a .. path, signed in', signedIn: true, target: `https://queue.fal.run/${V2V.id}/../../flux-pro`, data: VALID, status: 403 },
  { name: 'a file: media URL', signedIn: true, target: SUBMIT_TARGET, data: { ...VALID, video_url: 'file:///etc/passwd' }, status: 422 },
  { name: 'a javascript: media URL', signedIn: true, target: SUBMIT_TARGET, data: { ...VALID, video_url: 'javascript:alert(1)' }, status: 422 },
  { name: 'a malformed body', signedIn: true, target: SUBMIT_TARGET, data: '{"prompt": ', status: 422 },
  { name: 'an oversize body (65 MB)', signedIn: true, target: SUBMIT_TARGET, data: JSON.stringify({ ...VALID, prompt: 'x'.repeat(65 * 1024 * 1024) }), status: 413 },
  { name: 'an upload of a type no endpoint reads', signedIn: true, target: 'https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3', data: { content_type: 'application/x-msdownload', file_name: 'a.exe' }, status: 415 },
  { name: 'an over-budget take', signedIn: true, target: SUBMIT_TARGET, data: { ...VALID, video_size: 'landscape_16_9', match_video_length: false, num_frames: 481 }, status: 402 },
]

for (const attack of attacks) {
  test(`refuses ${attack.name}, and the backend sees nothing`, async () => {
    const api = attack.signedIn ? await signedInRequest() : await playwrightRequest.newContext({ baseURL: studio.url })
    const tag = randomUUID()
    const response = await api[attack.method ?? 'post'](PROXY, {
      headers: { ...(attack.target ? { 'x-fal-target-url': attack.target } : {}), 'content-type': 'application/json', [TAG]: tag, ...attack.headers },
      data: attack.data,
    })
    expect(response.status(), await response.text().catch(() => '')).toBe(attack.status)
    expect(await backendCalls(tag)).toBe(0)
    await api.dispose()
  })
}

test('route attacks: signed-out API calls, cross-site posts, and an open redirect after sign-in', async () => {
  const anonymous = await playwrightRequest.newContext({ baseURL: studio.url })
  expect((await anonymous.post('/api/sweeps', { data: { endpointId: V2V.id, input: VALID, axes: [{ field: 'num_frames', values: [9] }] } })).status()).toBe(401)
  expect((await anonymous.delete('/api/takes/AAAAAAAAAAAAAAAAAAAAAA')).status()).toBe(401)
  expect((await anonymous.post('/api/presets', { data: { endpointId: V2V.id, name: 'x', values: {} } })).status()).toBe(401)
  // A signed-in owner's browser tricked into posting from another site.
  const owner = await signedInRequest()
  expect((await owner.post('/api/presets', { headers: { origin: 'https://evil.example' }, data: { endpointId: V2V.id, name: 'x', values: {} } })).status()).toBe(403)
  expect((await owner.delete('/api/takes/AAAAAAAAAAAAAAAAAAAAAA', { headers: { 'sec-fetch-site': 'cross-site' } })).status()).toBe(403)
  // `next` may only lead back into the studio.
  const offsite = await anonymous.post('/api/auth/login', { form: { password: PASSWORD, next: '//evil.example/x' }, maxRedirects: 0 })
  expect(offsite.headers().location).toBe(`${studio.url}/`)
  await owner.dispose()
  await anonymous.dispose()
})

test('bursts of submits and of sign-ins past the rate limits get 429 with Retry-After, and the backend sees nothing of them', async ({}, info) => {
  // A studio of its own, so no other test's submits count against its small limit.
  const limited = await startStudio(3400 + info.workerIndex, {
    TAKES_DATA_DIR: `${dataDir}-limited`,
    TAKES_BACKEND: 'local',
    TAKES_LOCAL_CONTROL: '1',
    TAKES_MAX_TAKE_USD: String(MAX_TAKE_USD),
    TAKES_RATE_SUBMIT: String(SUBMITS_PER_MINUTE),
    TAKES_PASSWORD: PASSWORD,
    TAKES_RATE_LOGIN: '3',
    DATABASE_URL: '',
  })
  const api = await playwrightRequest.newContext({ baseURL: limited.url })
  const login = (password: string) => api.post('/api/auth/login', { form: { password, next: '/' }, maxRedirects: 0 })
  expect((await login(PASSWORD)).status()).toBe(303)
  // Guessing the password: the third try within the minute is the last.
  expect((await login('guess-1')).status()).toBe(303)
  expect((await login('guess-2')).status()).toBe(303)
  const lockedOut = await login(PASSWORD)
  expect(lockedOut.status()).toBe(429)
  expect(Number(lockedOut.headers()['retry-after'])).toBeGreaterThan(0)
  const tag = randomUUID()
  const statuses: number[] = []
  let retryAfter: string | undefined
  // Over budget on purpose (402): each counts against the limit but none reaches the backend.
  for (let i = 0; i < SUBMITS_PER_MINUTE + 2; i++) {
    const response = await api.post(PROXY, {
      headers: { 'x-fal-target-url': SUBMIT_TARGET, 'content-type': 'application/json', [TAG]: tag },
      data: { ...VALID, video_size: 'landscape_16_9', match_video_length: false, num_frames: 481 },
    })
    statuses.push(response.status())
    if (response.status() === 429) {
      retryAfter = response.headers()['retry-after']
      expect(await response.json()).toMatchObject({ detail: expect.stringContaining(`at most ${SUBMITS_PER_MINUTE} a minute`) })
    }
  }
  expect(statuses).toEqual([...Array(SUBMITS_PER_MINUTE).fill(402), 429, 429])
  expect(Number(retryAfter)).toBeGreaterThan(0)
  expect(await backendCalls(tag, limited.url)).toBe(0)
  await api.dispose()
  await limited.kill()
  await rm(`${dataDir}-limited`, { recursive: true, force: true })
})

test('pages carry a strict Content-Security-Policy and the other security headers', async () => {
  const api = await playwrightRequest.newContext({ baseURL: studio.url })
  for (const path of ['/login', '/api/endpoints']) {
    const headers = (await api.get(path, { maxRedirects: 0 })).headers()
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(headers['content-security-policy']).toContain("default-src 'self'")
    expect(headers['content-security-policy']).toContain("object-src 'none'")
    expect(headers['content-security-policy']).toContain('media-src')
    expect(headers['x-content-type-options']).toBe('nosniff')
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
  }
  await api.dispose()
})
