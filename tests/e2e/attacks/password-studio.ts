import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test'
import { rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Counters } from '@/lib/local-fal/faults'
import { startStudio, type StudioProcess } from '../server'

/** A studio of the attack specs' own: a password, the local backend with its control route, PGlite under `dataDir`. */
export async function startPasswordStudio(port: number, dataDir: string, env: Record<string, string> = {}): Promise<StudioProcess> {
  return startStudio(port, {
    TAKES_DATA_DIR: dataDir,
    TAKES_BACKEND: 'local',
    TAKES_LOCAL_CONTROL: '1',
    TAKES_LOCAL_RENDER_MS: '500',
    TAKES_PASSWORD: PASSWORD,
    DATABASE_URL: '',
    ...env,
  })
}

export const PASSWORD = 'correct horse battery staple'
export const SESSION_COOKIE = 'takes_session'

export async function removeDir(dir: string) {
  await rm(dir, { recursive: true, force: true })
}

/**
 * Registers an after-each hook and answers a function that queues clean-ups for it (run last first):
 * extra studios and their data go even when a test times out, when its own `finally` never runs.
 */
export function cleanUpAfterEach(): (cleanUp: () => Promise<unknown>) => void {
  const queued: (() => Promise<unknown>)[] = []
  test.afterEach(async () => {
    for (const cleanUp of queued.splice(0).reverse()) await cleanUp().catch(() => {})
  })
  return (cleanUp) => void queued.push(cleanUp)
}

/** Signs in through the real form post; the session cookie's value. */
export async function signIn(baseURL: string, password = PASSWORD): Promise<string> {
  const api = await playwrightRequest.newContext({ baseURL })
  const response = await api.post('/api/auth/login', { form: { password, next: '/' }, maxRedirects: 0 })
  expect(response.status()).toBe(303)
  const cookie = (await api.storageState()).cookies.find((entry) => entry.name === SESSION_COOKIE)?.value
  await api.dispose()
  expect(cookie).toBeTruthy()
  return cookie!
}

/** A client that sends exactly this cookie (or none), and nothing it picks up on the way. */
export async function clientWith(baseURL: string, cookie?: string): Promise<APIRequestContext> {
  return playwrightRequest.newContext({ baseURL, extraHTTPHeaders: cookie ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {}, storageState: { cookies: [], origins: [] } })
}

/** The local backend's counters, read as the owner (a session of its own). */
export async function backendCounters(baseURL: string, password = PASSWORD): Promise<Counters> {
  const owner = await clientWith(baseURL, await signIn(baseURL, password))
  const response = await owner.post('/api/local-fal/_control', { data: {} })
  expect(response.ok(), `control route answered ${response.status()}`).toBe(true)
  const { counters } = (await response.json()) as { counters: Counters }
  await owner.dispose()
  return counters
}

/** What the backend did, but for the control route's own calls (which read these counters). */
export function backendWork(counters: Counters) {
  const { submits, uploads, statusCalls, streamCalls, resultCalls, cancelCalls } = counters
  return { submits, uploads, statusCalls, streamCalls, resultCalls, cancelCalls }
}

/** Today's spend as the header shows it to the owner. */
export async function spendShown(baseURL: string, password = PASSWORD): Promise<string> {
  const owner = await clientWith(baseURL, await signIn(baseURL, password))
  const html = await (await owner.get('/takes')).text()
  await owner.dispose()
  const shown = /data-testid="spend-today"[^>]*>(.*?)<\/p>/s.exec(html)?.[1]
  expect(shown, 'the header shows today’s spend').toBeTruthy()
  return shown!.replace(/<[^>]+>/g, '')
}

/** A server on this machine's loopback that records every request it gets: proof that nothing was sent there. */
export async function loopbackListener(): Promise<{ port: number; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = []
  const server: Server = createServer((request, response) => {
    hits.push(`${request.method} ${request.url}`)
    response.end('listener')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        // A browser keeps its connections open: closing waits for none of them.
        server.closeAllConnections()
      }),
  }
}

export const PROXY = '/api/fal/proxy'
export const V2V_ID = 'fal-ai/ltx-2-19b/video-to-video'
export const SUBMIT_TARGET = `https://queue.fal.run/${V2V_ID}`
export const VALID_INPUT = { prompt: 'a cowboy', video_url: 'https://v3.fal.media/files/x/in.mp4' }

/** Submits VALID_INPUT (or `input`) through the fal proxy as `client`; the response. */
export function submitThroughProxy(client: APIRequestContext, input: Record<string, unknown> = VALID_INPUT) {
  return client.post(PROXY, { headers: { 'x-fal-target-url': SUBMIT_TARGET, 'content-type': 'application/json' }, data: input })
}
