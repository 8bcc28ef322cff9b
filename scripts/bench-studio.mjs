// What the benches share: one production build (TAKES_DIST_DIR, built only when missing), a studio
// process on a free port with its own data dir (removed when the bench ends), the simulator's control
// route, a fresh PostgreSQL database when a bench needs one, Chromium, and percentiles.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

export const DIST_DIR = process.env.TAKES_DIST_DIR ?? '.next'

/** Builds into DIST_DIR (with the Brotli copies `npm run build` makes) unless a build is there. */
export function ensureBuild() {
  if (existsSync(path.join(DIST_DIR, 'BUILD_ID'))) return
  console.log(`No production build in ${DIST_DIR}: building it (next build, then Brotli copies)…`)
  const env = { ...process.env, TAKES_DIST_DIR: DIST_DIR }
  for (const args of [['node_modules/next/dist/bin/next', 'build'], ['scripts/precompress-assets.mjs']]) {
    if (spawnSync(process.execPath, args, { stdio: 'inherit', env }).status !== 0) {
      console.error('Build failed: fix it, or run `npm run build` and try again.')
      process.exit(1)
    }
  }
}

/** A port nothing listens on now: BENCH_PORT when set, else one the system hands out. */
export async function freePort() {
  if (process.env.BENCH_PORT) return Number(process.env.BENCH_PORT)
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

const cleanups = []
let cleaned = false
/** Runs every registered clean-up once (studios stopped, data dirs and databases removed). */
export async function cleanUp() {
  if (cleaned) return
  cleaned = true
  for (const cleanup of cleanups.reverse()) await Promise.resolve().then(cleanup).catch(() => {})
}
/** Registers a clean-up, run at the end in reverse order; its `sync` part, when it has one, also on a hard exit. */
export function onCleanUp(cleanup) {
  cleanups.push(cleanup)
}
process.on('exit', () => {
  // Last resort (synchronous): whatever is still running is killed.
  for (const cleanup of cleanups) if (cleanup.sync) cleanup.sync()
})
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)))
}

/**
 * A studio (`node scripts/serve.mjs` on the build) on a free port with its own data dir, on the
 * simulator with its control route on. `env` adds to or overrides the defaults; `dataDir` starts it
 * again on a stopped studio's data.
 */
export async function startStudio(env = {}, { dataDir = mkdtempSync(path.join(tmpdir(), 'takes-bench-')) } = {}) {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  if (await answers(url)) throw new Error(`Something already answers on port ${port}: stop it or set BENCH_PORT.`)
  let log = ''
  // The probe reports the event loop's delays (and with BENCH_CPU_PROFILE=<file>, a CPU profile) on demand.
  const probeFile = path.join(mkdtempSync(path.join(tmpdir(), 'takes-bench-probe-')), 'probe.json')
  const child = spawn(process.execPath, ['--import', path.resolve('scripts/bench-probe.mjs'), 'scripts/serve.mjs'], {
    env: {
      ...process.env,
      TAKES_DIST_DIR: DIST_DIR,
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      TAKES_BACKEND: 'local',
      TAKES_LOCAL_CONTROL: '1',
      TAKES_DATA_DIR: dataDir,
      TAKES_RATE_SUBMIT: '100000',
      TAKES_RATE_UPLOAD: '100000',
      BENCH_PROBE_FILE: probeFile,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const keep = (chunk) => {
    log += chunk
    if (log.length > 200_000) log = log.slice(-100_000)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  /** Kills the process (its data dir stays, to be read). */
  const halt = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGKILL')
      await exited
    }
  }
  const stop = async () => {
    await halt()
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(path.dirname(probeFile), { recursive: true, force: true })
  }
  stop.sync = kill
  cleanups.push(stop)
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the studio exited with ${child.exitCode}:\n${log}`)
    if (await answers(url)) break
    if (i > 600) throw new Error(`the studio did not start in 2 minutes:\n${log}`)
    await sleep(200)
  }
  /**
   * The event loop's delays (ms) since the last call (or the start); with BENCH_CPU_PROFILE set, also
   * writes the studio's CPU profile so far to that file.
   */
  const probe = async () => {
    rmSync(probeFile, { force: true })
    child.kill('SIGUSR2')
    for (let i = 0; i < 600 && !existsSync(probeFile); i++) await sleep(50)
    return existsSync(probeFile) ? JSON.parse(readFileSync(probeFile, 'utf8')) : null
  }
  return { url, port, pid: child.pid, dataDir, child, log: () => log, halt, stop, probe }
}

async function answers(url) {
  try {
    return (await fetch(`${url}/api/endpoints`)).status < 500
  } catch {
    return false
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Rows of a stopped studio's embedded database (PGlite's files serve one process at a time). */
export async function queryStoppedStudio(studio, query) {
  const [{ PGlite }, { pg_trgm }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite/contrib/pg_trgm')])
  const db = new PGlite(path.join(studio.dataDir, 'db'), { extensions: { pg_trgm } })
  try {
    return (await db.query(query)).rows
  } finally {
    await db.close()
  }
}

/** The simulator's control route: faults (for a tag, or everyone) and counters. */
export async function control(studio, body) {
  const response = await fetch(`${studio.url}/api/local-fal/_control`, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {})
  if (!response.ok) throw new Error(`control answered ${response.status}`)
  return response.json()
}

/** The header that ties a submit to a tag's faults (the proxy forwards x-fal-* headers). */
export const TAG_HEADER = 'x-fal-takes-test-tag'

/** Submits a take through the fal proxy, as the browser's fal client does; the take's id. */
export async function submitTake(studio, endpointId, input, tag) {
  const response = await fetch(`${studio.url}/api/fal/proxy`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fal-target-url': `https://queue.fal.run/${endpointId}`, ...(tag ? { [TAG_HEADER]: tag } : {}) },
    body: JSON.stringify(input),
  })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`submit answered ${response.status}: ${text}`)
  const { take_id: takeId } = JSON.parse(text)
  if (typeof takeId !== 'string') throw new Error(`submit answered no take id: ${text}`)
  return takeId
}

/** The take's view (GET /api/takes/<id>). */
export async function takeView(studio, id) {
  const response = await fetch(`${studio.url}/api/takes/${id}`)
  if (!response.ok) throw new Error(`take ${id} answered ${response.status}`)
  return response.json()
}

/** A short video for inputs: the e2e fixture when it was generated, else made now with ffmpeg. */
export function benchClip() {
  const fixture = path.join('tests', 'fixtures', 'generated', 'clip.mp4')
  if (existsSync(fixture)) return readFileSync(fixture)
  const dir = mkdtempSync(path.join(tmpdir(), 'takes-bench-clip-'))
  const file = path.join(dir, 'clip.mp4')
  const ffmpeg = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x192:rate=25:duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', file],
    { stdio: 'inherit' },
  )
  if (ffmpeg.status !== 0) throw new Error('ffmpeg could not make a clip')
  const bytes = readFileSync(file)
  rmSync(dir, { recursive: true, force: true })
  return bytes
}

/** Uploads a clip through the studio's proxy as the browser's fal client does; its URL on the simulator. */
export async function uploadClip(studio) {
  const { createFalClient } = await import('@fal-ai/client')
  const fal = createFalClient({ proxyUrl: { url: `${studio.url}/api/fal/proxy`, when: 'always' } })
  return fal.storage.upload(new File([benchClip()], 'clip.mp4', { type: 'video/mp4' }))
}

/** The smallest render the simulator makes: 9 frames of 32 × 32 from a clip. */
export const TINY_TAKE = { endpointId: 'fal-ai/ltx-2-19b/video-to-video', input: (videoUrl, prompt) => ({ prompt, video_url: videoUrl, num_frames: 9, video_size: { width: 32, height: 32 } }) }

/**
 * A database of its own on the PostgreSQL at BENCH_DATABASE_URL (default: the test server's), dropped
 * when the bench ends; null when that server does not answer.
 */
export async function freshDatabase(label) {
  const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://takes:takes@127.0.0.1:5432/takes_test'
  const { default: pg } = await import('pg')
  const admin = new pg.Client({ connectionString: base, connectionTimeoutMillis: 3000 })
  try {
    await admin.connect()
  } catch {
    return null
  }
  const name = `takes_bench_${label}_${process.pid}_${Date.now().toString(36)}`
  await admin.query(`CREATE DATABASE "${name}"`)
  await admin.end()
  const url = new URL(base)
  url.pathname = `/${name}`
  cleanups.push(async () => {
    const dropper = new pg.Client({ connectionString: base })
    await dropper.connect()
    await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
    await dropper.end()
  })
  return url.toString()
}

/** Chromium as the page benches drive it. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  cleanups.push(() => browser.close())
  return browser
}

/** The value at percentile `p` of `values` (nearest rank). */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b)
  if (!sorted.length) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

/** `p50 … p95 … max … (N)` of millisecond figures. */
export function summary(values, digits = 0) {
  const ms = (v) => `${v.toFixed(digits)} ms`
  return `p50 ${ms(percentile(values, 50))}   p95 ${ms(percentile(values, 95))}   max ${ms(Math.max(...values))}   N ${values.length}`
}

/** The load on this machine now (other work skews every figure). */
export function loadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  } catch {
    return 'unknown'
  }
}

/** Runs a bench's body, then cleans up whatever it started (studios, databases, browsers), failed or not. */
export async function runBench(main) {
  try {
    await main()
  } catch (error) {
    console.error(error)
    process.exitCode = 1
  } finally {
    await cleanUp()
  }
  process.exit()
}
