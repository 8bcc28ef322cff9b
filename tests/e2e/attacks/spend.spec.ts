import { expect, test, type APIRequestContext } from '@playwright/test'
import pg from 'pg'
import { randomBytes } from 'node:crypto'
import type { StudioProcess } from '../server'
import { fixturePath } from '../../fixtures/media'
import { marker } from '../submit'
import { attackMedia, uploadAs } from './media-files'
import { backendCounters, clientWith, loopbackListener, removeDir, signIn, spendShown, startPasswordStudio, submitThroughProxy, V2V_ID } from './password-studio'

// Class 1: the caps bound what fal can bill. Refusals leave nothing behind: no submit reached the
// simulator, no take was recorded, today's spend did not move, no loopback listener was asked.
test.describe.configure({ mode: 'default' })
test.use({ baseURL: undefined })

const PER_TAKE_USD = 0.05
const DATA_DIR = '.e2e-data-attacks-spend'
let studio: StudioProcess
let owner: APIRequestContext

test.beforeAll(async () => {
  await removeDir(DATA_DIR)
  studio = await startPasswordStudio(3500, DATA_DIR, { TAKES_MAX_TAKE_USD: String(PER_TAKE_USD) })
  owner = await clientWith(studio.url, await signIn(studio.url))
})

test.afterAll(async () => {
  await owner?.dispose()
  await studio?.kill()
  await removeDir(DATA_DIR)
})

/** How many of the owner's takes a search for `text` finds in the history. */
async function takesFound(client: APIRequestContext, text: string): Promise<number> {
  const html = await (await client.get(`/takes?q=${encodeURIComponent(text)}`)).text()
  return html.split('data-testid="take-card"').length - 1
}

/** Submits `input` and expects the per-take cap's 402, with nothing recorded, submitted or spent. */
async function expectRefusedByCap(input: Record<string, unknown>, assumption?: RegExp) {
  const before = { submits: (await backendCounters(studio.url)).submits, spend: await spendShown(studio.url) }
  const response = await submitThroughProxy(owner, input)
  expect(response.status(), await response.text()).toBe(402)
  const body = (await response.json()) as { error_type: string; cap: string; detail: string; assumptions: string[] }
  expect(body).toMatchObject({ error_type: 'budget_exceeded', cap: 'per-take' })
  expect(body.detail).toContain('TAKES_MAX_TAKE_USD')
  if (assumption) expect(body.assumptions.join('\n')).toMatch(assumption)
  expect((await backendCounters(studio.url)).submits).toBe(before.submits)
  expect(await takesFound(owner, String(input.prompt))).toBe(0)
  expect(await spendShown(studio.url)).toBe(before.spend)
  return body
}

test('spend: a 60-second input with match_video_length is priced at its 1500 frames and refused by the per-take cap', async () => {
  test.setTimeout(120_000)
  const video = await uploadAs(owner, attackMedia('sixty-seconds.mp4'))
  const body = await expectRefusedByCap({ prompt: marker('sixty'), video_url: video, match_video_length: true })
  // 320 × 192 × 1497 frames = 92 MP: priced from the facts the server read, not from num_frames.
  expect(body.detail).toMatch(/estimate \$0\.16/)
})

test('spend: a 4K input with video_size auto is priced at 3840 × 2160 and refused by the per-take cap', async () => {
  const video = await uploadAs(owner, attackMedia('uhd.mp4'))
  await expectRefusedByCap({ prompt: marker('uhd'), video_url: video, video_size: 'auto', match_video_length: false, num_frames: 9 })
})

test('spend: an input the server cannot read (a loopback URL) is priced at the most the schema allows, and the URL is never fetched', async () => {
  const listener = await loopbackListener()
  try {
    await expectRefusedByCap({ prompt: marker('unreadable'), video_url: `http://127.0.0.1:${listener.port}/huge.mp4` }, /not known: priced at the largest size the schema allows/)
    expect(listener.hits).toEqual([])
  } finally {
    await listener.close()
  }
})

test('spend: an input on a host that does not resolve is priced at the bound, frames included', async () => {
  await expectRefusedByCap({ prompt: marker('nowhere'), video_url: 'https://media.invalid/long.mp4', match_video_length: true }, /most frames the schema allows, 481/)
})

test('spend: a sweep whose input cannot be read is refused whole before anything is recorded or submitted', async () => {
  const listener = await loopbackListener()
  try {
    const before = (await backendCounters(studio.url)).submits
    const prompt = marker('sweep-unreadable')
    const response = await owner.post('/api/sweeps', {
      data: { endpointId: V2V_ID, input: { prompt, video_url: `http://127.0.0.1:${listener.port}/in.mp4` }, axes: [{ field: 'guidance_scale', values: [2, 4] }], concurrency: 1 },
    })
    expect(response.status(), await response.text()).toBe(402)
    expect((await backendCounters(studio.url)).submits).toBe(before)
    expect(await takesFound(owner, prompt)).toBe(0)
    expect(listener.hits).toEqual([])
  } finally {
    await listener.close()
  }
})

test('spend: a take within the cap still runs (the refusals above are the cap, not a broken submit)', async () => {
  const before = (await backendCounters(studio.url)).submits
  const video = await uploadAs(owner, fixturePath('video'))
  const response = await submitThroughProxy(owner, { prompt: marker('fits'), video_url: video })
  expect(response.status(), await response.text()).toBe(200)
  expect((await backendCounters(studio.url)).submits).toBe(before + 1)
})

// ── the daily cap under a race ──────────────────────────────────────────────────────────────────

/** The 2-second fixture clip through V2V: 320 × 192 × 49 frames = 4 MP × $0.0018. */
const TAKE_USD = 0.0072
const DAILY_USD = 0.05
const ROOM = Math.floor(DAILY_USD / TAKE_USD)

async function raceSubmits(clients: APIRequestContext[], video: string, prompt: string) {
  const responses = await Promise.all(Array.from({ length: 20 }, (_, index) => submitThroughProxy(clients[index % clients.length]!, { prompt: `${prompt} ${index}`, video_url: video })))
  const statuses = responses.map((response) => response.status())
  expect(statuses.every((status) => status === 200 || status === 402), statuses.join(',')).toBe(true)
  return statuses.filter((status) => status === 200).length
}

test('spend: 20 parallel submits near the daily cap (PGlite) never pass the room left; deleting a billed take does not give room back', async () => {
  test.setTimeout(180_000)
  const dir = `${DATA_DIR}-daily`
  await removeDir(dir)
  const daily = await startPasswordStudio(3501, dir, { TAKES_DAILY_USD: String(DAILY_USD) })
  const client = await clientWith(daily.url, await signIn(daily.url))
  try {
    const video = await uploadAs(client, fixturePath('video'))
    const prompt = marker('race')
    const accepted = await raceSubmits([client], video, prompt)
    expect(accepted).toBe(ROOM)
    expect((await backendCounters(daily.url)).submits).toBe(ROOM)
    expect(await takesFound(client, prompt)).toBe(ROOM)

    // Once billed, deleting every take leaves today's spend where it was, and the cap still refuses.
    const ids = [...(await (await client.get(`/takes?q=${encodeURIComponent(prompt)}`)).text()).matchAll(/data-take-id="([^"]+)"/g)].map((match) => match[1]!)
    expect(new Set(ids).size).toBe(ROOM)
    for (const id of new Set(ids)) expect((await client.get(`/api/takes/${id}?wait=1`, { timeout: 30_000 })).status()).toBe(200)
    await expect.poll(async () => (await Promise.all([...new Set(ids)].map(async (id) => ((await (await client.get(`/api/takes/${id}`)).json()) as { billedUsd: number | null }).billedUsd))).every((billed) => billed !== null), { timeout: 60_000 }).toBe(true)
    const spent = await spendShown(daily.url)
    for (const id of new Set(ids)) expect((await client.delete(`/api/takes/${id}`)).status()).toBe(204)
    expect(await takesFound(client, prompt)).toBe(0)
    expect(await spendShown(daily.url)).toBe(spent)
    const again = await submitThroughProxy(client, { prompt: marker('after-delete'), video_url: video })
    expect(again.status()).toBe(402)
    expect((await backendCounters(daily.url)).submits).toBe(ROOM)
  } finally {
    await client.dispose()
    await daily.kill()
    await removeDir(dir)
  }
})

test('spend: 20 parallel submits across two processes on one PostgreSQL never pass the room left', async () => {
  test.setTimeout(180_000)
  const adminUrl = process.env.TEST_DATABASE_URL
  test.skip(!adminUrl, 'TEST_DATABASE_URL is not set (npm run test:all sets it up)')
  const database = `takes_e2e_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${database}`)
  const url = new URL(adminUrl!)
  url.pathname = `/${database}`
  const env = { DATABASE_URL: url.toString(), TAKES_DAILY_USD: String(DAILY_USD) }
  const dirs = [`${DATA_DIR}-pg-a`, `${DATA_DIR}-pg-b`]
  const studios: StudioProcess[] = []
  const clients: APIRequestContext[] = []
  try {
    studios.push(await startPasswordStudio(3502, dirs[0]!, env))
    studios.push(await startPasswordStudio(3503, dirs[1]!, { ...env, TAKES_LOCAL_FAL_URL: `${studios[0]!.url}/api/local-fal` }))
    for (const studio of studios) clients.push(await clientWith(studio.url, await signIn(studio.url)))
    const video = await uploadAs(clients[0]!, fixturePath('video'))
    const accepted = await raceSubmits(clients, video, marker('race-pg'))
    expect(accepted).toBe(ROOM)
    expect((await backendCounters(studios[0]!.url)).submits).toBe(ROOM)
  } finally {
    await Promise.all(clients.map((client) => client.dispose()))
    await Promise.all(studios.map((studio) => studio.kill()))
    await Promise.all(dirs.map(removeDir))
    await admin.query(`drop database if exists ${database} with (force)`).catch(() => {})
    await admin.end()
  }
})

test('spend: the simulator refuses a render past the schema’s bounds, and nothing is billed', async () => {
  test.setTimeout(120_000)
  // No cap on this one: the render itself must be refused.
  const dir = `${DATA_DIR}-render`
  await removeDir(dir)
  const open = await startPasswordStudio(3504, dir)
  const client = await clientWith(open.url, await signIn(open.url))
  try {
    const video = await uploadAs(client, attackMedia('sixty-seconds.mp4'))
    const response = await submitThroughProxy(client, { prompt: marker('too-long'), video_url: video, match_video_length: true })
    expect(response.status()).toBe(200)
    const { take_id: id } = (await response.json()) as { take_id: string }
    let take: { status: string; billedUsd: number | null; error: { message?: string; detail?: unknown } | null } | undefined
    await expect.poll(async () => (take = (await (await client.get(`/api/takes/${id}?wait=1`, { timeout: 30_000 })).json()) as typeof take)?.status, { timeout: 60_000 }).toBe('FAILED')
    expect(take!.billedUsd).toBeNull()
    expect(JSON.stringify(take!.error)).toContain('at most 481')
  } finally {
    await client.dispose()
    await open.kill()
    await removeDir(dir)
  }
})

