import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import type { StudioProcess } from '../server'
import { backendControl } from '../backend'
import { finishedTake, marker, submitTake, uploadClip, V2V } from '../submit'
import { TAG_HEADER } from '../takes'
import { removeDir, startPasswordStudio } from './password-studio'

// Class 4: DNS rebinding — a request for a host the studio does not answer to is refused before
// anything is routed. Class 3 (script policy): pages run only the scripts Next renders with the
// page's nonce; nothing injected runs.

const SUBMIT_TARGET = `https://queue.fal.run/${V2V.id}`
const SIMULATOR_SUBMIT = `/api/local-fal/queue/${V2V.id}`

/** A request with exactly these headers (Host included) and target, as a rebinding page or a crafted client would send it. */
function rawRequest(
  baseURL: string,
  { method = 'GET', target, headers, body }: { method?: string; target: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(baseURL)
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, method, path: target, headers, setHost: false }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end(body)
  })
}

/** How many of this studio's takes a history search for `text` finds. */
async function takesFound(request: APIRequestContext, text: string): Promise<number> {
  const html = await (await request.get(`/takes?q=${encodeURIComponent(text)}`)).text()
  return html.split('data-testid="take-card"').length - 1
}

const callsTagged = async (request: APIRequestContext, tag: string) => (await backendControl(request)).counters.tagged[tag] ?? 0

/** A build asset's path, read from the home page. */
async function buildAsset(request: APIRequestContext): Promise<string> {
  const html = await (await request.get('/')).text()
  const asset = /\/_next\/static\/[^"'?]+\.js/.exec(html)?.[0]
  expect(asset, 'the home page loads a build asset').toBeTruthy()
  return asset!
}

/** Every kind of route a rebinding page would go for, each with what it sends. */
function routesUnderAttack(asset: string, tag: string, prompt: string): { name: string; method?: string; target: string; headers: Record<string, string>; body?: string }[] {
  const json = { 'content-type': 'application/json', [TAG_HEADER]: tag }
  const input = JSON.stringify({ prompt, video_url: 'https://v3.fal.media/files/x/in.mp4' })
  return [
    { name: 'the home page', target: '/', headers: { [TAG_HEADER]: tag } },
    { name: 'a submit through the fal proxy', method: 'POST', target: '/api/fal/proxy', headers: { ...json, 'x-fal-target-url': SUBMIT_TARGET }, body: input },
    { name: 'a submit to the simulator', method: 'POST', target: SIMULATOR_SUBMIT, headers: json, body: input },
    { name: 'the webhook', method: 'POST', target: '/api/fal/webhook', headers: json, body: '{}' },
    { name: 'a build asset', target: asset, headers: { 'accept-encoding': 'br' } },
  ]
}

async function expectRefusedBeforeRouting(baseURL: string, request: APIRequestContext, names: { host: string; forwardedHost?: string; absoluteTarget?: boolean }) {
  const tag = randomUUID()
  const prompt = marker('rebinding')
  for (const route of routesUnderAttack(await buildAsset(request), tag, prompt)) {
    const target = names.absoluteTarget ? `http://evil.example${route.target}` : route.target
    const headers = { ...route.headers, host: names.host, ...(names.forwardedHost ? { 'x-forwarded-host': names.forwardedHost } : {}) }
    const response = await rawRequest(baseURL, { ...route, target, headers })
    expect(response.status, `${route.name}: ${response.text}`).toBe(421)
    expect(response.text, route.name).toContain('TAKES_ALLOWED_HOSTS')
  }
  expect(await callsTagged(request, tag)).toBe(0)
  expect(await takesFound(request, prompt)).toBe(0)
}

for (const host of ['evil.example', 'evil.example:PORT', '127.0.0.1.nip.io:PORT', 'localhost.evil.example:PORT']) {
  test(`rebinding: Host ${host} is refused on every route (page, fal proxy, simulator, webhook, build asset) before routing`, async ({ request, baseURL }) => {
    await expectRefusedBeforeRouting(baseURL!, request, { host: host.replace('PORT', new URL(baseURL!).port) })
  })
}

test('rebinding: X-Forwarded-Host or an absolute-form target naming another host is refused, though Host is the studio’s', async ({ request, baseURL }) => {
  const host = new URL(baseURL!).host
  await expectRefusedBeforeRouting(baseURL!, request, { host, forwardedHost: 'evil.example' })
  await expectRefusedBeforeRouting(baseURL!, request, { host, forwardedHost: `${host}, evil.example` })
  await expectRefusedBeforeRouting(baseURL!, request, { host, absoluteTarget: true })
})

test('rebinding: the studio’s own names still reach every route', async ({ request, baseURL }) => {
  const asset = await buildAsset(request)
  const port = new URL(baseURL!).port
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
    expect((await rawRequest(baseURL!, { target: '/', headers: { host } })).status, host).toBe(200)
    expect((await rawRequest(baseURL!, { target: asset, headers: { host } })).status, host).toBe(200)
  }
})

test('rebinding: a page on evil.example that resolves to this machine gets nothing in Chromium and starts no take', async ({ playwright, launchOptions, request, baseURL }) => {
  const port = new URL(baseURL!).port
  // What a rebinding DNS server does: evil.example now resolves to the studio's address. Chromium's
  // Private Network Access check would stop the page's fetch itself; it is off, as in browsers without it.
  const browser = await playwright.chromium.launch({
    ...launchOptions,
    args: [
      ...(launchOptions.args ?? []),
      '--host-resolver-rules=MAP evil.example 127.0.0.1',
      '--disable-features=BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults,LocalNetworkAccessChecks',
    ],
  })
  const tag = randomUUID()
  const prompt = marker('rebinding-browser')
  try {
    const page = await browser.newPage()
    const refused = await page.goto(`http://evil.example:${port}/takes`)
    expect(refused?.status()).toBe(421)
    await expect(page.locator('body')).toContainText('TAKES_ALLOWED_HOSTS')
    // The attacker's page, as their own server sent it before the name was rebound; its script then
    // calls the studio as its own origin.
    await page.route(`http://evil.example:${port}/`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>evil</title>' }))
    await page.goto(`http://evil.example:${port}/`)
    const submitted = await page.evaluate(
      async ({ target, tag, tagHeader, prompt }: { target: string; tag: string; tagHeader: string; prompt: string }) => {
        const response = await fetch('/api/fal/proxy', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-fal-target-url': target, [tagHeader]: tag },
          body: JSON.stringify({ prompt, video_url: 'https://v3.fal.media/files/x/in.mp4' }),
        })
        return response.status
      },
      { target: SUBMIT_TARGET, tag, tagHeader: TAG_HEADER, prompt },
    )
    expect(submitted).toBe(421)
  } finally {
    await browser.close()
  }
  expect(await callsTagged(request, tag)).toBe(0)
  expect(await takesFound(request, prompt)).toBe(0)
})

// --- API answers ---------------------------------------------------------------------------------

test('the fal proxy answers as an API: no page may run or frame it, nothing is cached, whether it refuses, forwards or names its methods', async ({ request, baseURL }) => {
  const expectApiHeaders = (response: { headers(): Record<string, string> }, what: string) => {
    const headers = response.headers()
    expect(headers['content-security-policy'], what).toBe("default-src 'none'; frame-ancestors 'none'")
    expect(headers['x-content-type-options'], what).toBe('nosniff')
    expect(headers['x-frame-options'], what).toBe('DENY')
    expect(headers['cache-control'], what).toBe('no-store')
  }
  const refused = await request.get('/api/fal/proxy', { headers: { 'x-fal-target-url': 'https://queue.fal.run/other/app/requests/x/status' } })
  expect(refused.status()).toBe(403)
  expectApiHeaders(refused, 'a refusal')

  const takeId = await submitTake(request, V2V.id, { prompt: marker('api-headers'), video_url: await uploadClip(baseURL!) })
  const { requestId } = (await (await request.get(`/api/takes/${takeId}`)).json()) as { requestId: string }
  const status = await request.get('/api/fal/proxy', { headers: { 'x-fal-target-url': `https://queue.fal.run/${V2V.id.split('/').slice(0, 2).join('/')}/requests/${requestId}/status` } })
  expect(status.status(), await status.text()).toBe(200)
  expect(((await status.json()) as { status: string }).status).toMatch(/^(IN_QUEUE|IN_PROGRESS|COMPLETED)$/)
  expectApiHeaders(status, 'a forwarded status')

  const deleted = await request.delete('/api/fal/proxy', { headers: { 'x-fal-target-url': `https://queue.fal.run/${V2V.id}` } })
  expect(deleted.status()).toBe(405)
  expect(deleted.headers()['allow']).toBe('GET, POST, PUT, OPTIONS')
  expectApiHeaders(deleted, 'a method it does not take')
})

// --- Script policy -------------------------------------------------------------------------------

/** The `script-src` directive of a policy. */
function scriptSources(policy: string | undefined): string {
  return policy?.split(';').map((directive) => directive.trim()).find((directive) => directive.startsWith('script-src ')) ?? ''
}

/** Collects every policy violation the page reports, from before its first script. */
async function watchViolations(page: Page): Promise<string[]> {
  const console: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) console.push(message.text())
  })
  await page.addInitScript(() => {
    const seen: string[] = []
    Object.assign(window, { __violations: seen })
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`))
  })
  return console
}

const violationsOf = (page: Page) => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)

/** Waits for React to have hydrated the page (it marks the nodes it owns). */
async function expectHydrated(page: Page) {
  await page.waitForFunction(() => Object.keys(document.body).some((key) => key.startsWith('__reactFiber$')))
}

test.describe('pages under the script policy', () => {
  test.describe.configure({ mode: 'serial' })
  let pages: string[] = []
  let login: StudioProcess | undefined
  const LOGIN_DATA_DIR = '.e2e-data-attacks-headers'

  test.beforeAll(async ({ request, baseURL }) => {
    test.setTimeout(300_000)
    const clip = await uploadClip(baseURL!)
    const take = await finishedTake(request, await submitTake(request, V2V.id, { prompt: marker('csp'), video_url: clip }))
    const other = await finishedTake(request, await submitTake(request, V2V.id, { prompt: marker('csp'), video_url: clip, num_frames: 9 }))
    const sweep = await request.post('/api/sweeps', {
      data: { endpointId: V2V.id, input: { prompt: marker('csp-sweep'), video_url: clip }, axes: [{ field: 'num_frames', values: [9] }], concurrency: 1, varySeed: false },
    })
    expect(sweep.status(), await sweep.text()).toBe(201)
    const shared = await request.put(`/api/takes/${take.id}/share`)
    expect(shared.status(), await shared.text()).toBe(200)
    const { sharePath } = (await shared.json()) as { sharePath: string }
    pages = ['/', `/models/${V2V.id}`, '/takes', `/t/${take.id}`, sharePath, `/compare?ids=${take.id},${other.id}`, ((await sweep.json()) as { url: string }).url, '/no-such-page']
    // /login exists only on a studio with a password.
    await removeDir(LOGIN_DATA_DIR)
    login = await startPasswordStudio(3540, LOGIN_DATA_DIR)
    // Its first page opens the database: done here, so the tests' own time goes to the tests.
    expect((await request.get(`${login.url}/login`, { timeout: 120_000 })).status()).toBe(200)
  })

  test.afterAll(async () => {
    await login?.kill()
    await removeDir(LOGIN_DATA_DIR)
  })

  const everyPage = () => [...pages.map((path) => ({ url: path, path })), { url: `${login!.url}/login`, path: '/login' }]

  test('csp: every page’s policy has a fresh nonce and no \'unsafe-inline\' for scripts, and every script Next renders carries it', async ({ request }) => {
    test.setTimeout(180_000)
    for (const { url, path } of everyPage()) {
      const [first, second] = [await request.get(url), await request.get(url)]
      const policy = first.headers()['content-security-policy']
      const scripts = scriptSources(policy)
      const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(scripts)?.[1]
      expect(nonce, `${path}: ${policy}`).toBeTruthy()
      expect(scripts, path).toContain("'strict-dynamic'")
      expect(scripts, path).not.toContain("'unsafe-inline'")
      expect(scripts, path).not.toContain("'unsafe-eval'")
      expect(policy, path).toContain("object-src 'none'")
      expect(policy, path).toContain("frame-ancestors 'none'")
      expect(scriptSources(second.headers()['content-security-policy']), `${path}: a nonce per response`).not.toContain(nonce)
      const tags = [...(await first.text()).matchAll(/<script\b[^>]*>/g)].map((match) => match[0])
      expect(tags.length, path).toBeGreaterThan(0)
      for (const tag of tags) expect(tag, path).toContain(`nonce="${nonce}"`)
    }
  })

  test('csp: every page hydrates in Chromium and reports no policy violation', async ({ page }) => {
    test.setTimeout(180_000)
    const console = await watchViolations(page)
    for (const { url, path } of everyPage()) {
      await page.goto(url)
      await expectHydrated(page)
      expect(await violationsOf(page), path).toEqual([])
    }
    expect(console).toEqual([])
    // And a page works: the playground's form follows an edit.
    await page.goto(`/models/${V2V.id}`)
    await page.getByLabel('Prompt', { exact: true }).fill('policy check')
    await expect(page.getByTestId('payload')).toContainText('policy check')
    expect(await violationsOf(page)).toEqual([])
  })

  test('csp: script injected into a page (inline, with a guessed nonce, from the studio’s own files, a handler, a javascript: URL) does not run in Chromium', async ({ page }) => {
    await watchViolations(page)
    const path = `/models/${V2V.id}`
    // A reflected injection: the page and its policy as the server sent them, with markup added.
    const injected = [
      `<script>window.__injected = 'inline'</script>`,
      `<script nonce="${Buffer.alloc(16).toString('base64')}">window.__injected = 'guessed nonce'</script>`,
      `<script src="/api/outputs/evil.js"></script>`,
      `<img src="data:," onerror="window.__injected = 'handler'">`,
    ].join('')
    await page.route(`**${path}`, async (route) => {
      const response = await route.fetch()
      const headers = Object.fromEntries(Object.entries(response.headers()).filter(([name]) => !['content-encoding', 'content-length'].includes(name)))
      await route.fulfill({ response, headers, body: (await response.text()).replace(/<body[^>]*>/, (body) => `${body}${injected}`) })
    })
    await page.goto(path)
    // The page's own scripts, which carry the nonce, still run.
    await expectHydrated(page)
    await page.evaluate(() => {
      const link = document.createElement('a')
      link.href = "javascript:window.__injected = 'url'"
      document.body.append(link)
      link.click()
    })
    await page.waitForFunction(() => (window as unknown as { __violations: string[] }).__violations.length >= 5)
    expect((await violationsOf(page)).sort()).toEqual(
      [
        'script-src-elem inline',
        'script-src-elem inline',
        'script-src-elem inline',
        'script-src-attr inline',
        `script-src-elem ${new URL('/api/outputs/evil.js', page.url()).href}`,
      ].sort(),
    )
    expect(await page.evaluate(() => (window as unknown as { __injected?: string }).__injected)).toBeUndefined()
  })

  test('csp: responses proxy.ts does not see still carry a policy under which no inline script runs', async ({ request }) => {
    for (const path of ['/api/local-fal/.well-known/jwks.json', '/api/fal/webhook', '/api/endpoints']) {
      const response = await request.get(path)
      const policy = response.headers()['content-security-policy']
      expect(policy, path).toContain("default-src 'self'")
      expect(scriptSources(policy), path).toBe("script-src 'self'")
      expect(response.headers()['x-content-type-options'], path).toBe('nosniff')
    }
  })
})
