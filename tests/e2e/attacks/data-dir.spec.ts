import { expect, request as playwrightRequest, test, type APIRequestContext } from '@playwright/test'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import pg from 'pg'
import type { TakeView } from '@/lib/takes/take-view'
import { backendControl } from '../backend'
import { startStudio, type StudioProcess } from '../server'
import { finishedTake, makeTake, marker, submitTake, uploadClip, V2V } from '../submit'

// Class 5: one process per embedded database. A second studio on the same data directory refuses
// to start — before it opens the database — naming the studio that holds it and how to run several;
// the first keeps working, and the data is intact after both stop. A studio killed with kill -9
// starts again on its data at once. On PostgreSQL in local mode, studios share one simulator: a
// second one that would run its own is refused and told how to use the first's.

const BASE_ENV = { TAKES_BACKEND: 'local', TAKES_LOCAL_CONTROL: '1', TAKES_LOCAL_RENDER_MS: '300', DATABASE_URL: '' }

/** Three ports per parallel worker, from 3550 (clear of the other specs' studios). */
const portsOf = (parallelIndex: number) => [3550, 3551, 3552].map((port) => port + parallelIndex * 3) as [number, number, number]

/** Starts a studio that is expected to refuse: its exit code and everything it printed. */
function startRefused(port: number, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [path.join('scripts', 'serve.mjs')], {
    env: { ...process.env, PORT: String(port), HOSTNAME: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the studio on port ${port} did not exit within 60 s:\n${output}`))
    }, 60_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

const listens = (port: number) => fetch(`http://127.0.0.1:${port}/api/endpoints`).then(() => true, () => false)

async function takeOf(api: APIRequestContext, id: string): Promise<TakeView> {
  const response = await api.get(`/api/takes/${id}`)
  expect(response.status()).toBe(200)
  return (await response.json()) as TakeView
}

/** The take is there as it ended, and its kept video is served. */
async function expectIntact(api: APIRequestContext, take: TakeView) {
  const now = await takeOf(api, take.id)
  expect(now).toMatchObject({ status: 'COMPLETED', billedUsd: take.billedUsd, videoUrl: take.videoUrl, copyStatus: 'kept' })
  const video = await api.get(now.videoUrl!, { headers: { range: 'bytes=0-11' } })
  expect(video.status()).toBe(206)
  expect((await video.body()).subarray(4, 8).toString('latin1')).toBe('ftyp')
}

test.describe('data-dir', () => {
  let dataDir: string
  const studios: StudioProcess[] = []
  const apis: APIRequestContext[] = []

  test.beforeEach(async ({}, testInfo) => {
    dataDir = `.e2e-data-h2-dir-${testInfo.parallelIndex}-${randomBytes(3).toString('hex')}`
    await rm(dataDir, { recursive: true, force: true })
  })

  test.afterEach(async () => {
    await Promise.all(apis.splice(0).map((api) => api.dispose()))
    await Promise.all(studios.splice(0).map((studio) => studio.kill()))
    await rm(dataDir, { recursive: true, force: true })
  })

  async function start(port: number, env: Record<string, string> = {}) {
    const studio = await startStudio(port, { ...BASE_ENV, TAKES_DATA_DIR: dataDir, ...env })
    studios.push(studio)
    const api = await playwrightRequest.newContext({ baseURL: studio.url })
    apis.push(api)
    return { studio, api }
  }

  test('data-dir: a second studio on the same data directory is refused, naming the first; the first is unharmed and the data intact after both stop', async ({}, testInfo) => {
    test.setTimeout(300_000)
    const [firstPort, secondPort] = portsOf(testInfo.parallelIndex)
    const { studio: first, api } = await start(firstPort)
    const clip = await uploadClip(first.url)
    const before = await makeTake(api, clip, marker('before'))
    const holder = (await readFile(path.join(dataDir, 'takes.pid'), 'utf8')).trim()
    const counters = (await backendControl(api)).counters

    const refused = await startRefused(secondPort, { ...BASE_ENV, TAKES_DATA_DIR: dataDir })
    expect(refused.code).toBe(1)
    expect(refused.output).toContain(`Takes cannot start: another Takes studio (pid ${holder}, ${first.url}) is using the data in ${path.resolve(dataDir)}`)
    expect(refused.output).toMatch(/DATABASE_URL=postgres:\/\//)
    // Nothing happened: it never listened, the first's simulator saw nothing, its pid file is the first's.
    expect(await listens(secondPort)).toBe(false)
    // (Only the control call itself reached the simulator.)
    expect((await backendControl(api)).counters).toEqual({ ...counters, calls: counters.calls + 1 })
    expect((await readFile(path.join(dataDir, 'takes.pid'), 'utf8')).trim()).toBe(holder)

    // The first still answers, runs a take to its end and keeps its output.
    await expectIntact(api, before)
    const after = await makeTake(api, clip, marker('after'))
    expect(after).toMatchObject({ status: 'COMPLETED', copyStatus: 'kept' })

    await first.kill('SIGTERM')
    const { api: third } = await start(firstPort)
    await expectIntact(third, before)
    await expectIntact(third, after)
  })

  test('data-dir: a studio killed with kill -9 mid-take starts again on its data at once, its takes intact and finished', async ({}, testInfo) => {
    test.setTimeout(300_000)
    const [port] = portsOf(testInfo.parallelIndex)
    const { studio, api } = await start(port, { TAKES_LOCAL_RENDER_MS: '3000' })
    const clip = await uploadClip(studio.url)
    const kept = await makeTake(api, clip, marker('kept'))
    const running = await submitTake(api, V2V.id, { prompt: marker('running'), video_url: clip })
    await expect.poll(async () => (await takeOf(api, running)).status).toBe('IN_PROGRESS')

    await studio.kill('SIGKILL')
    const { api: again } = await start(port)
    await expectIntact(again, kept)
    expect(await finishedTake(again, running)).toMatchObject({ status: 'COMPLETED', copyStatus: 'kept' })
  })
})

test('data-dir: on one PostgreSQL, a second studio that would run its own simulator is refused and told to share the first’s; kill -9 frees it', async ({}, testInfo) => {
  test.setTimeout(300_000)
  const adminUrl = process.env.TEST_DATABASE_URL
  test.skip(!adminUrl, 'TEST_DATABASE_URL is not set (npm run test:all sets it up)')
  const database = `takes_e2e_simulator_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${database}`)
  const url = new URL(adminUrl!)
  url.pathname = `/${database}`
  const [firstPort, secondPort] = portsOf(testInfo.parallelIndex)
  const dirs = [`.e2e-data-h2-pg-a-${testInfo.parallelIndex}`, `.e2e-data-h2-pg-b-${testInfo.parallelIndex}`]
  const env = { ...BASE_ENV, DATABASE_URL: url.toString() }
  const studios: StudioProcess[] = []
  const apis: APIRequestContext[] = []
  try {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
    const first = await startStudio(firstPort, { ...env, TAKES_DATA_DIR: dirs[0]! })
    studios.push(first)
    const simulator = `${first.url}/api/local-fal`

    const refused = await startRefused(secondPort, { ...env, TAKES_DATA_DIR: dirs[1]! })
    expect(refused.code).toBe(1)
    expect(refused.output).toContain(`already runs the local simulator at ${simulator}`)
    expect(refused.output).toContain(`TAKES_LOCAL_FAL_URL=${simulator}`)
    expect(await listens(secondPort)).toBe(false)

    // Started as told, it runs no simulator of its own, and a take it records is followed to its end.
    const second = await startStudio(secondPort, { ...env, TAKES_DATA_DIR: dirs[1]!, TAKES_LOCAL_FAL_URL: simulator })
    studios.push(second)
    const api = await playwrightRequest.newContext({ baseURL: second.url })
    apis.push(api)
    expect((await api.post('/api/local-fal/_control', { data: {} })).status()).toBe(404)
    const take = await makeTake(api, await uploadClip(first.url), marker('shared'))
    expect(take.status).toBe('COMPLETED')

    // PostgreSQL lets go of a killed studio's claim at once: the first starts again, running the simulator.
    await first.kill('SIGKILL')
    studios.push(await startStudio(firstPort, { ...env, TAKES_DATA_DIR: dirs[0]! }))
    expect((await takeOf(api, take.id)).status).toBe('COMPLETED')
  } finally {
    await Promise.all(apis.map((api) => api.dispose()))
    await Promise.all(studios.map((studio) => studio.kill()))
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
    await admin.query(`drop database if exists ${database} with (force)`).catch(() => {})
    await admin.end()
  }
})
