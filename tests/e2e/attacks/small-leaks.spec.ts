import { expect, test } from '@playwright/test'
import { request as httpRequest } from 'node:http'
import type { StudioProcess } from '../server'
import { fieldFrame } from '../helpers'
import {
  backendCounters,
  backendWork,
  cleanUpAfterEach,
  clientWith,
  loopbackListener,
  PASSWORD,
  PROXY,
  removeDir,
  SESSION_COOKIE,
  signIn,
  spendShown,
  startPasswordStudio,
  submitThroughProxy,
  SUBMIT_TARGET,
  V2V_ID,
  VALID_INPUT,
} from './password-studio'

// Class 8: small leaks — where sign-in returns to, whose address is rate-limited, how long a body or a
// prompt may be. Studios of this file's own, on ports 3585-3586.
test.describe.configure({ mode: 'default' })
test.use({ baseURL: undefined })

const DATA_DIR = '.e2e-data-attacks-small-leaks'
let studio: StudioProcess
const afterThisTest = cleanUpAfterEach()

test.beforeAll(async () => {
  // A fresh studio's first sign-in opens and migrates its database: slow on a busy machine.
  test.setTimeout(240_000)
  await removeDir(DATA_DIR)
  studio = await startPasswordStudio(3585, DATA_DIR)
  await signIn(studio.url)
})

test.afterAll(async () => {
  await studio?.kill()
  await removeDir(DATA_DIR)
})

test('small leaks: next= with control characters or another site’s address keeps sign-in on this site', async ({ page }) => {
  test.setTimeout(180_000)
  const listener = await loopbackListener()
  afterThisTest(() => listener.close())
  const elsewhere = `127.0.0.1:${listener.port}/pwned`
  const nexts = [
    '/\r\nSet-Cookie: takes_session=attacker',
    '/%0d%0aSet-Cookie:%20takes_session=attacker',
    `/\t//${elsewhere}`,
    `/\n//${elsewhere}`,
    `//${elsewhere}`,
    `/\\${elsewhere}`,
    `/\\\\${elsewhere}`,
    `/%5c${elsewhere}`,
    `http://${elsewhere}`,
    `\t//${elsewhere}`,
  ]
  const anonymous = await clientWith(studio.url)
  for (const next of nexts) {
    const signedIn = await anonymous.post('/api/auth/login', { form: { password: PASSWORD, next }, maxRedirects: 0 })
    expect(signedIn.status(), JSON.stringify(next)).toBe(303)
    expect(signedIn.headers().location, JSON.stringify(next)).toBe(`${studio.url}/`)
    // One cookie only: the session's, never one smuggled in through `next`.
    const cookies = signedIn.headersArray().filter((header) => header.name.toLowerCase() === 'set-cookie')
    expect(cookies).toHaveLength(1)
    expect(cookies[0]!.value).toMatch(new RegExp(`^${SESSION_COOKIE}=v2\\.`))
    const wrong = await anonymous.post('/api/auth/login', { form: { password: 'wrong', next }, maxRedirects: 0 })
    expect(wrong.headers().location).toBe(`${studio.url}/login?error=1&next=%2F`)
    const form = await (await anonymous.get(`/login?${new URLSearchParams({ next })}`)).text()
    expect(form, JSON.stringify(next)).toContain('name="next" value="/"')
  }
  await anonymous.dispose()

  // In Chromium, the sign-in form opened with such a `next` lands on the studio.
  for (const next of [`/\t//${elsewhere}`, `//${elsewhere}`, `/\\${elsewhere}`]) {
    await page.context().clearCookies()
    await page.goto(`${studio.url}/login?${new URLSearchParams({ next })}`)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page).toHaveURL(`${studio.url}/`)
  }
  // A raw %0d%0a in the address bar: the page still returns to /.
  await page.context().clearCookies()
  await page.goto(`${studio.url}/login?next=/%0d%0aSet-Cookie:%20x=y`)
  await expect(page.locator('input[name="next"]')).toHaveValue('/')
  expect(listener.hits).toEqual([])
})

test('small leaks: X-Forwarded-For spoofing under TAKES_TRUST_PROXY does not escape the sign-in rate limit', async () => {
  test.setTimeout(120_000)
  const dataDir = `${DATA_DIR}-trust-proxy`
  await removeDir(dataDir)
  afterThisTest(() => removeDir(dataDir))
  const proxied = await startPasswordStudio(3586, dataDir, { TAKES_TRUST_PROXY: '1', TAKES_RATE_LOGIN: '3' })
  afterThisTest(() => proxied.kill())
  const api = await clientWith(proxied.url)
  // The trusted proxy appends the address it saw (203.0.113.7); the attacker writes whatever it likes to the left.
  const login = (password: string, spoofed: string, real = '203.0.113.7') =>
    api.post('/api/auth/login', { form: { password, next: '/' }, maxRedirects: 0, headers: { 'x-forwarded-for': `${spoofed}, ${real}` } })
  for (let i = 1; i <= 3; i++) expect((await login(`guess-${i}`, `10.0.0.${i}`)).status()).toBe(303)
  const locked = await login(PASSWORD, '10.0.0.99')
  expect(locked.status()).toBe(429)
  expect(Number(locked.headers()['retry-after'])).toBeGreaterThan(0)
  expect(locked.headers()['set-cookie']).toBeUndefined()
  const lockedAgain = await login(PASSWORD, `${'1.2.3.4, '.repeat(5)}9.9.9.9`)
  expect(lockedAgain.status()).toBe(429)
  // Another client behind the same proxy has its own allowance.
  const other = await login(PASSWORD, '10.0.0.1', '198.51.100.20')
  expect(other.status()).toBe(303)
  expect(other.headers()['set-cookie']).toContain(`${SESSION_COOKIE}=v2.`)
  await api.dispose()
})

test('small leaks: an over-long prompt is refused on its field, and nothing is submitted', async ({ page }) => {
  test.setTimeout(180_000)
  const owner = await clientWith(studio.url, await signIn(studio.url))
  const counters = await backendCounters(studio.url)
  const spend = await spendShown(studio.url)
  const tooLong = 'x'.repeat(10_001)

  const submitted = await submitThroughProxy(owner, { ...VALID_INPUT, prompt: tooLong })
  expect(submitted.status()).toBe(422)
  expect(await submitted.json()).toMatchObject({ detail: [{ loc: ['body', 'prompt'], msg: 'Prompt is too long: at most 10,000 characters' }] })
  const negative = await submitThroughProxy(owner, { ...VALID_INPUT, negative_prompt: tooLong })
  expect(negative.status()).toBe(422)
  expect(await negative.json()).toMatchObject({ detail: [{ loc: ['body', 'negative_prompt'] }] })
  const longUrl = await submitThroughProxy(owner, { ...VALID_INPUT, video_url: `https://v3.fal.media/files/${'a'.repeat(8_200)}.mp4` })
  expect(longUrl.status()).toBe(422)
  expect(await longUrl.json()).toMatchObject({ detail: [{ loc: ['body', 'video_url'] }] })
  const sweep = await owner.post('/api/sweeps', { data: { endpointId: V2V_ID, input: { ...VALID_INPUT, prompt: tooLong }, axes: [{ field: 'num_frames', values: [9, 17] }] } })
  expect(sweep.status()).toBe(400)
  expect(await sweep.json()).toMatchObject({ field: 'prompt', detail: expect.stringContaining('at most 10,000 characters') })
  await owner.dispose()

  // The playground shows it on the field, and runs nothing.
  await page.context().addCookies([{ name: SESSION_COOKIE, value: await signIn(studio.url), url: studio.url }])
  await page.goto(`${studio.url}/models/${V2V_ID}`)
  await page.getByLabel('Prompt', { exact: true }).fill(tooLong)
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  await expect(fieldFrame(page, 'prompt').getByRole('alert')).toHaveText('Prompt is too long: at most 10,000 characters')

  expect(backendWork(await backendCounters(studio.url))).toEqual(backendWork(counters))
  expect(await spendShown(studio.url)).toBe(spend)
})

/**
 * POSTs `bytes` bytes in chunks (Transfer-Encoding: chunked, no Content-Length) with the session
 * cookie; the status. The server may answer and close before the body is all sent: the answer counts.
 * When its close resets the connection before the answer is read (a race of TCP, not of the studio),
 * the same request is sent again, a few times at most.
 */
async function postChunked(path: string, bytes: number, cookie: string | undefined, headers: Record<string, string> = {}): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await postChunkedOnce(path, bytes, cookie, headers)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (attempt >= 4 || (code !== 'ECONNRESET' && code !== 'EPIPE')) throw error
    }
  }
}

function postChunkedOnce(path: string, bytes: number, cookie: string | undefined, headers: Record<string, string> = {}): Promise<number> {
  const chunk = new Uint8Array(64 * 1024).fill(0x20)
  return new Promise((resolve, reject) => {
    let answered = false
    const request = httpRequest(`${studio.url}${path}`, { method: 'POST', headers: { ...(cookie ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {}), ...headers } }, (response) => {
      answered = true
      response.resume()
      resolve(response.statusCode ?? 0)
    })
    request.on('error', (error) => {
      if (!answered) reject(error)
    })
    let sent = 0
    const send = () => {
      while (sent < bytes && !answered) {
        const part = chunk.subarray(0, Math.min(chunk.byteLength, bytes - sent))
        sent += part.byteLength
        if (!request.write(part)) return void request.once('drain', send)
      }
      request.end()
    }
    send()
  })
}

test('small leaks: chunked bodies over the cap without Content-Length are refused (413), and nothing is recorded', async () => {
  test.setTimeout(180_000)
  const cookie = await signIn(studio.url)
  const owner = await clientWith(studio.url, cookie)
  const presets = async () => ((await (await owner.get(`/api/presets?endpoint=${encodeURIComponent(V2V_ID)}`)).json()) as { presets: unknown[] }).presets.length
  const presetsBefore = await presets()
  const counters = await backendCounters(studio.url)
  const spend = await spendShown(studio.url)

  const json = { 'content-type': 'application/json' }
  expect(await postChunked('/api/presets', 300 * 1024, cookie, json)).toBe(413)
  expect(await postChunked('/api/sweeps', 9 * 1024 * 1024, cookie, json)).toBe(413)
  expect(await postChunked(PROXY, 65 * 1024 * 1024, cookie, { ...json, 'x-fal-target-url': SUBMIT_TARGET })).toBe(413)
  expect(await postChunked('/api/auth/login', 64 * 1024, undefined, { 'content-type': 'application/x-www-form-urlencoded' })).toBe(413)

  expect(await presets()).toBe(presetsBefore)
  expect(backendWork(await backendCounters(studio.url))).toEqual(backendWork(counters))
  expect(await spendShown(studio.url)).toBe(spend)
  await owner.dispose()
})
