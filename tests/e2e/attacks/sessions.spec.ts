import { expect, test } from '@playwright/test'
import { createHash, createHmac } from 'node:crypto'
import type { StudioProcess } from '../server'
import { startStudio } from '../server'
import {
  backendCounters,
  backendWork,
  cleanUpAfterEach,
  clientWith,
  PASSWORD,
  removeDir,
  SESSION_COOKIE,
  signIn,
  spendShown,
  startPasswordStudio,
  submitThroughProxy,
  V2V_ID,
} from './password-studio'

// Class 7: sessions end on the server, and a cookie gives nothing to guess the password with.
// Studios of this file’s own, on ports 3580-3583.
test.describe.configure({ mode: 'default' })
test.use({ baseURL: undefined })

const DATA_DIR = '.e2e-data-attacks-sessions'
let studio: StudioProcess
const afterThisTest = cleanUpAfterEach()

test.beforeAll(async () => {
  // A fresh studio's first sign-in opens and migrates its database: slow on a busy machine.
  test.setTimeout(240_000)
  await removeDir(DATA_DIR)
  studio = await startPasswordStudio(3580, DATA_DIR)
  await signIn(studio.url)
})

test.afterAll(async () => {
  await studio?.kill()
  await removeDir(DATA_DIR)
})

/** What a signed-in owner can do with a cookie: read presets (200), submit (anything but 401), open pages. */
async function refusedEverywhere(baseURL: string, cookie: string) {
  const client = await clientWith(baseURL, cookie)
  const presets = await client.get(`/api/presets?endpoint=${encodeURIComponent(V2V_ID)}`)
  expect(presets.status()).toBe(401)
  expect(await presets.json()).toMatchObject({ error_type: 'sign_in_required' })
  const created = await client.post('/api/presets', { data: { endpointId: V2V_ID, name: 'replayed', values: { prompt: 'x' } } })
  expect(created.status()).toBe(401)
  expect((await submitThroughProxy(client)).status()).toBe(401)
  const page = await client.get('/takes', { maxRedirects: 0 })
  expect(page.status()).toBe(307)
  // Next answers its proxy's redirects to the same origin with a relative Location.
  expect(new URL(page.headers().location!, baseURL).href).toBe(`${baseURL}/login?next=%2Ftakes`)
  await client.dispose()
}

/** The owner's presets for the test endpoint, by name. */
async function presetNames(baseURL: string, password = PASSWORD): Promise<string[]> {
  const owner = await clientWith(baseURL, await signIn(baseURL, password))
  const response = await owner.get(`/api/presets?endpoint=${encodeURIComponent(V2V_ID)}`)
  expect(response.status()).toBe(200)
  const body = (await response.json()) as { presets: { name: string }[] }
  await owner.dispose()
  return body.presets.map((preset) => preset.name)
}

test('sessions: a cookie replayed after sign-out is refused everywhere, and nothing is recorded or submitted', async () => {
  test.setTimeout(120_000)
  const cookie = await signIn(studio.url)
  const client = await clientWith(studio.url, cookie)
  expect((await client.get(`/api/presets?endpoint=${encodeURIComponent(V2V_ID)}`)).status()).toBe(200)
  const signedOut = await client.post('/api/auth/logout', { maxRedirects: 0 })
  expect(signedOut.status()).toBe(303)
  expect(signedOut.headers()['set-cookie']).toContain(`${SESSION_COOKIE}=;`)
  await client.dispose()

  const counters = await backendCounters(studio.url)
  const spend = await spendShown(studio.url)
  const presets = await presetNames(studio.url)
  await refusedEverywhere(studio.url, cookie)
  expect(backendWork(await backendCounters(studio.url))).toEqual(backendWork(counters))
  expect(await spendShown(studio.url)).toBe(spend)
  expect(await presetNames(studio.url)).toEqual(presets)
})

test('sessions: a cookie signed with the old password-derived secret is refused', async () => {
  test.setTimeout(120_000)
  const derivedSecret = createHash('sha256').update(`takes-session:${PASSWORD}`).digest('base64url')
  // The old scheme's own cookie: v1.<expiry>.<nonce>.<HMAC under the password-derived secret>.
  const body = `v1.${Math.floor(Date.now() / 1000) + 86_400}.${'A'.repeat(22)}`
  const oldCookie = `${body}.${createHmac('sha256', derivedSecret).update(body).digest('base64url')}`
  // And a live session's id, signed again as if the secret were still derived from the password.
  const [version, id] = (await signIn(studio.url)).split('.') as [string, string, string]
  const passwordTag = createHash('sha256').update(`takes-password:${PASSWORD}`).digest('base64url')
  const resigned = `${version}.${id}.${createHmac('sha256', derivedSecret).update(`${version}.${id}.${passwordTag}`).digest('base64url')}`
  const counters = await backendCounters(studio.url)
  for (const cookie of [oldCookie, resigned, `${version}.${id}.forged`, `${version}.${id}`]) await refusedEverywhere(studio.url, cookie)
  expect(backendWork(await backendCounters(studio.url))).toEqual(backendWork(counters))
})

test('sessions: changing the password signs every old cookie out', async () => {
  test.setTimeout(240_000)
  const dataDir = `${DATA_DIR}-password`
  await removeDir(dataDir)
  let own = await startPasswordStudio(3581, dataDir)
  afterThisTest(() => removeDir(dataDir))
  afterThisTest(() => own.kill())
  const cookie = await signIn(own.url)
  const client = await clientWith(own.url, cookie)
  expect((await client.get(`/api/presets?endpoint=${encodeURIComponent(V2V_ID)}`)).status()).toBe(200)
  await client.dispose()
  await own.kill()
  const newPassword = 'a new password'
  own = await startPasswordStudio(3581, dataDir, { TAKES_PASSWORD: newPassword })
  const counters = await backendCounters(own.url, newPassword)
  await refusedEverywhere(own.url, cookie)
  expect(backendWork(await backendCounters(own.url, newPassword))).toEqual(backendWork(counters))
  // The old password no longer signs in; the new one does.
  const anonymous = await clientWith(own.url)
  const oldPassword = await anonymous.post('/api/auth/login', { form: { password: PASSWORD, next: '/' }, maxRedirects: 0 })
  expect(oldPassword.headers().location).toContain('/login?error=1')
  expect(oldPassword.headers()['set-cookie']).toBeUndefined()
  await anonymous.dispose()
})

const testDatabaseUrl = process.env.TEST_DATABASE_URL

test('sessions: signing out on one process ends the session on another process sharing PostgreSQL', async () => {
  test.skip(!testDatabaseUrl, 'needs TEST_DATABASE_URL (npm run test:all sets it)')
  test.setTimeout(240_000)
  const { Client } = await import('pg')
  const database = `takes_e2e_sessions_${Date.now().toString(36)}`
  const admin = new Client({ connectionString: testDatabaseUrl })
  await admin.connect()
  afterThisTest(() => admin.end())
  await admin.query(`create database ${database}`)
  afterThisTest(() => admin.query(`drop database if exists ${database} with (force)`))
  const url = new URL(testDatabaseUrl!)
  url.pathname = `/${database}`
  const env = { DATABASE_URL: url.href, TAKES_BACKEND: 'local', TAKES_LOCAL_CONTROL: '1', TAKES_PASSWORD: PASSWORD }
  afterThisTest(() => removeDir(`${DATA_DIR}-pg-a`))
  afterThisTest(() => removeDir(`${DATA_DIR}-pg-b`))
  const first = await startStudio(3582, { ...env, TAKES_DATA_DIR: `${DATA_DIR}-pg-a` })
  afterThisTest(() => first.kill())
  // One simulator per database: the second process uses the first's.
  const second = await startStudio(3583, { ...env, TAKES_DATA_DIR: `${DATA_DIR}-pg-b`, TAKES_LOCAL_FAL_URL: `${first.url}/api/local-fal` })
  afterThisTest(() => second.kill())
  const cookie = await signIn(first.url)
  const onSecond = await clientWith(second.url, cookie)
  // One secret, kept with the data: the cookie the first process signed is good on the second.
  expect((await onSecond.get(`/api/presets?endpoint=${encodeURIComponent(V2V_ID)}`)).status()).toBe(200)
  const onFirst = await clientWith(first.url, cookie)
  expect((await onFirst.post('/api/auth/logout', { maxRedirects: 0 })).status()).toBe(303)
  await onFirst.dispose()
  // The second process may trust what it checked for up to 2 s; then the cookie is dead there too.
  await expect
    .poll(async () => (await onSecond.get(`/api/presets?endpoint=${encodeURIComponent(V2V_ID)}`)).status(), { timeout: 5_000, intervals: [250] })
    .toBe(401)
  await onSecond.dispose()
  const counters = await backendCounters(first.url)
  await refusedEverywhere(second.url, cookie)
  await refusedEverywhere(first.url, cookie)
  expect(backendWork(await backendCounters(first.url))).toEqual(backendWork(counters))
})
