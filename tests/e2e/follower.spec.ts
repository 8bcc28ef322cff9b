import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test'
import type { Counters } from '@/lib/local-fal/faults'
import type { TakeView } from '@/lib/takes/take-view'
import { freshDatabase, startStudio, type StudioProcess } from './server'
import { finishedTake, marker, submitTake, uploadClip, V2V } from './submit'

// The server follows every take to its end, whoever watches: across kill -9, across processes
// sharing one PostgreSQL, and by fal's signed webhook. Each test runs its own studio processes.

const BASE_ENV = { TAKES_BACKEND: 'local', TAKES_LOCAL_CONTROL: '1', TAKES_LEASE_MS: '3000', TAKES_FOLLOW_POLL_MS: '250' }

async function counters(api: APIRequestContext): Promise<Counters> {
  const response = await api.post('/api/local-fal/_control', { data: {} })
  return ((await response.json()) as { counters: Counters }).counters
}

async function takeOf(api: APIRequestContext, id: string): Promise<TakeView> {
  return (await (await api.get(`/api/takes/${id}`)).json()) as TakeView
}

function expectBilledAndKept(take: TakeView) {
  expect(take.status).toBe('COMPLETED')
  expect(take.billedUsd).toBeGreaterThan(0)
  // The server read the input clip for its estimate, and the simulator renders exactly that shape.
  expect(take.estimateUsd).toBe(take.billedUsd)
  expect(take.videoUrl).toMatch(new RegExp(`^/api/outputs/${take.id}/`))
  expect(take.posterUrl).toMatch(new RegExp(`^/api/outputs/${take.id}/`))
}

test('kill -9 while takes are queued and running: after a restart each finishes, billed, none submitted twice', async ({}, testInfo) => {
  test.setTimeout(180_000)
  const env = { ...BASE_ENV, TAKES_DATA_DIR: testInfo.outputPath('data'), TAKES_LOCAL_RENDER_MS: '4000' }
  const port = 3210 + testInfo.workerIndex
  const tag = marker('kill')
  let studio: StudioProcess | undefined = await startStudio(port, env)
  const api = await playwrightRequest.newContext({ baseURL: studio.url })
  try {
    const clip = await uploadClip(studio.url)
    const ids: string[] = []
    for (let i = 0; i < 4; i++) ids.push(await submitTake(api, V2V.id, { prompt: `${tag} ${i}` , video_url: clip }, tag))
    // Two run (the local backend's concurrency), two wait.
    await expect
      .poll(async () => (await Promise.all(ids.map((id) => takeOf(api, id)))).map((take) => take.status).sort())
      .toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'IN_QUEUE', 'IN_QUEUE'])
    expect((await counters(api)).submitsByTag[tag]).toBe(4)

    await studio.kill('SIGKILL')
    studio = undefined
    studio = await startStudio(port, env)

    for (const id of ids) expectBilledAndKept(await finishedTake(api, id))
    // Counters start again at 0 with the new process: nothing was submitted after the restart.
    const after = await counters(api)
    expect(after.submitsByTag[tag]).toBeUndefined()
    expect(after.submits).toBe(0)
  } finally {
    await api.dispose()
    await studio?.kill()
  }
})

test('two servers on one PostgreSQL: 20 takes at once, each followed by exactly one of them', async ({}, testInfo) => {
  test.setTimeout(240_000)
  const adminUrl = process.env.TEST_DATABASE_URL
  test.skip(!adminUrl, 'TEST_DATABASE_URL is not set (npm run test:all sets it up)')
  const database = await freshDatabase(adminUrl!)
  const ports = [3220 + testInfo.workerIndex * 2, 3221 + testInfo.workerIndex * 2]
  const shared = { ...BASE_ENV, DATABASE_URL: database.url, TAKES_LOCAL_RENDER_MS: '300', TAKES_LOCAL_CONCURRENCY: '4' }
  const studios: StudioProcess[] = []
  const apis: APIRequestContext[] = []
  try {
    // Both start at once (racing to migrate the same database); B uses A's local backend, as two
    // studio processes would share fal.
    const backendUrl = `http://127.0.0.1:${ports[0]}/api/local-fal`
    studios.push(
      ...(await Promise.all([
        startStudio(ports[0]!, { ...shared, TAKES_DATA_DIR: testInfo.outputPath('a') }),
        startStudio(ports[1]!, { ...shared, TAKES_DATA_DIR: testInfo.outputPath('b'), TAKES_LOCAL_FAL_URL: backendUrl }),
      ])),
    )
    for (const studio of studios) apis.push(await playwrightRequest.newContext({ baseURL: studio.url }))
    const [a, b] = apis as [APIRequestContext, APIRequestContext]
    const clip = await uploadClip(studios[0]!.url)
    const tag = marker('pair')
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) => submitTake(i % 2 ? b : a, V2V.id, { prompt: `${tag} ${i}`, video_url: clip }, tag)),
    )
    expect(new Set(ids).size).toBe(20)

    const finished = await Promise.all(ids.map((id, i) => finishedTake(i % 3 ? a : b, id)))
    for (const take of finished) expectBilledAndKept(take)
    const served = (await counters(a)).resultsByRequest
    expect(finished.map((take) => served[take.requestId!])).toEqual(Array(20).fill(1))
    expect((await counters(a)).submitsByTag[tag]).toBe(20)
  } finally {
    await Promise.all(apis.map((api) => api.dispose()))
    await Promise.all(studios.map((studio) => studio.kill()))
    await database.drop()
  }
})

test('with a public URL, fal’s signed webhook settles a take that no follower watches; a forged one is refused', async ({}, testInfo) => {
  test.setTimeout(120_000)
  const port = 3230 + testInfo.workerIndex
  const url = `http://127.0.0.1:${port}`
  const env = { ...BASE_ENV, TAKES_DATA_DIR: testInfo.outputPath('data'), TAKES_LOCAL_RENDER_MS: '500', TAKES_PUBLIC_URL: url, TAKES_FOLLOWER: '0' }
  const studio = await startStudio(port, env)
  const api = await playwrightRequest.newContext({ baseURL: studio.url })
  try {
    const clip = await uploadClip(studio.url)
    const id = await submitTake(api, V2V.id, { prompt: marker('webhook'), video_url: clip })
    const take = await finishedTake(api, id)
    expectBilledAndKept(take)
    // The webhook carried the output: nobody fetched the result.
    expect((await counters(api)).resultsByRequest[take.requestId!]).toBeUndefined()

    const forged = await api.post('/api/fal/webhook', {
      headers: {
        'x-fal-webhook-request-id': take.requestId!,
        'x-fal-webhook-user-id': 'local-simulator',
        'x-fal-webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-fal-webhook-signature': '00'.repeat(64),
      },
      data: { request_id: take.requestId, gateway_request_id: take.requestId, status: 'ERROR', error: 'forged', payload: { detail: 'forged' } },
    })
    expect(forged.status()).toBe(401)
    expect((await takeOf(api, id)).status).toBe('COMPLETED')
  } finally {
    await api.dispose()
    await studio.kill()
  }
})
