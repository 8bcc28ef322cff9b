// Many takes in flight on one studio process (the production server, built into TAKES_DIST_DIR
// first if there is none) against the simulator: the process's CPU, memory and event-loop delay,
// fal calls per take, and how soon each take is settled after fal completed it.
//
// BENCH_MODE:
//   split  (the default when PostgreSQL answers at BENCH_DATABASE_URL): the follower's process is
//          measured alone, as it runs against fal. The simulator runs in a second studio process
//          (TAKES_FOLLOWER=0) on the same fresh database, and the measured one uses it through
//          TAKES_LOCAL_FAL_URL, so the simulator's renders are not in the measured process.
//   single (the default otherwise): one studio out of the box, on PGlite, its simulator inside it.
//
// BENCH_TAKES takes (500) are submitted through the measured studio's fal proxy, as the browser
// does, so each is recorded and followed by its follower. The simulator runs them all at once, each
// a tiny render (9 frames, 32 × 32), held by its `slowRunsMs` fault (per take, through its test tag)
// so that none completes before all are submitted (the hold is estimated from a warm-up, at most
// 240 s, or BENCH_HOLD_MS); completions are then spread over BENCH_SPREAD_MS (120 s: about 4 a
// second for 500, as 500 two-minute takes would end). Nothing watches the takes during the run (no
// page, no polling of the studio): only the follower works. Afterwards the bench reads the
// database and the simulator's request files:
//   settled = takes.updated_at of the finishing write − the simulator's completedAt.
// CPU is the measured process's own (utime + stime from /proc/<pid>/stat); its child processes (the
// process launcher and the ffmpeg it starts: poster frames; in single mode the renders too) are
// counted apart.
import { spawnSync } from 'node:child_process'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import {
  control,
  ensureBuild,
  freshDatabase,
  loadAverage,
  percentile,
  queryStoppedStudio,
  sleep,
  startStudio,
  submitTake,
  summary,
  TINY_TAKE,
  uploadClip,
  runBench,
} from './bench-studio.mjs'

const TAKES = Math.max(1, Number(process.env.BENCH_TAKES ?? 500))
const HOLD_MS = process.env.BENCH_HOLD_MS ? Number(process.env.BENCH_HOLD_MS) : null
const SPREAD_MS = Number(process.env.BENCH_SPREAD_MS ?? 120_000)
const RENDER_MS = Number(process.env.BENCH_RENDER_MS ?? 2000)
const SUBMITS_AT_ONCE = Number(process.env.BENCH_SUBMITS_AT_ONCE ?? 8)
const TARGET_SETTLED_P95_MS = 2000

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100)
const PAGE_BYTES = Number(spawnSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).stdout.trim() || 4096)

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces), read by proc(5)'s numbers. */
function statFields(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return (n) => Number(fields[n - 3])
}

/** A process's running children (the studio's: its process launcher, which starts ffmpeg). */
function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
  } catch {
    return []
  }
}

/**
 * CPU seconds and resident memory of a process, from /proc. `childCpu` counts its children's work:
 * waited-for ones, and those still running (the launcher) with what they have waited for (ffmpeg).
 */
function processStat(pid) {
  const field = statFields(pid)
  let childCpu = (field(16) + field(17)) / CLOCK_TICKS
  for (const child of childrenOf(pid)) {
    try {
      const of = statFields(child)
      childCpu += (of(14) + of(15) + of(16) + of(17)) / CLOCK_TICKS
    } catch {
      // ended meanwhile: counted in the parent's waited-for children from the next sample on
    }
  }
  return { cpu: (field(14) + field(15)) / CLOCK_TICKS, childCpu, rss: field(24) * PAGE_BYTES, at: performance.now() }
}

/** Samples a process every second until stopped. */
function sampleProcess(pid) {
  const samples = [processStat(pid)]
  const timer = setInterval(() => {
    try {
      samples.push(processStat(pid))
    } catch {
      clearInterval(timer)
    }
  }, 1000)
  return { samples, stop: () => clearInterval(timer) }
}

/** Every take's times: from PostgreSQL, or from PGlite's files once the studio has stopped. */
async function readTakes(studio, databaseUrl) {
  const query = `SELECT id, fal_request_id, status, copy_status, video_key, created_at, completed_at, updated_at FROM takes`
  if (!databaseUrl) return queryStoppedStudio(studio, query)
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return (await client.query(query)).rows
  } finally {
    await client.end()
  }
}

/** The simulator's record of each request (when it completed), from its files. */
function simulatorRequests(simulator) {
  const dir = path.join(simulator.dataDir, 'local-fal', 'requests')
  const byId = new Map()
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue
    try {
      const request = JSON.parse(readFileSync(path.join(dir, name), 'utf8'))
      byId.set(request.id, request)
    } catch {
      // a file being replaced at the moment the studio stopped
    }
  }
  return byId
}

/** The most takes unfinished at one moment, from their [created, settled] intervals. */
function peakInFlight(intervals) {
  const events = intervals.flatMap(([from, to]) => [[from, 1], [to, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let now = 0
  let peak = 0
  for (const [, delta] of events) peak = Math.max(peak, (now += delta))
  return peak
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`
const loopDelay = (delay) => (delay ? `event-loop delay p50 ${delay.p50} ms, p99 ${delay.p99} ms, max ${delay.max} ms` : 'event-loop delay unknown')

/** The studio to measure and the one whose simulator runs the takes (the same one in single mode). */
async function startStudios() {
  const mode = process.env.BENCH_MODE
  const databaseUrl = mode === 'single' ? null : await freshDatabase('follow')
  if (mode === 'split' && !databaseUrl) throw new Error('BENCH_MODE=split needs PostgreSQL at BENCH_DATABASE_URL')
  const simulatorEnv = { TAKES_LOCAL_CONCURRENCY: String(TAKES + 10), TAKES_LOCAL_RENDER_MS: String(RENDER_MS) }
  if (!databaseUrl) {
    const studio = await startStudio(simulatorEnv)
    return { mode: 'single', databaseUrl, studio, simulator: studio }
  }
  const simulator = await startStudio({ ...simulatorEnv, DATABASE_URL: databaseUrl, TAKES_FOLLOWER: '0' })
  const studio = await startStudio({ DATABASE_URL: databaseUrl, TAKES_LOCAL_FAL_URL: `${simulator.url}/api/local-fal` })
  return { mode: 'split', databaseUrl, studio, simulator }
}

await runBench(async () => {
  ensureBuild()
  const { mode, databaseUrl, studio, simulator } = await startStudios()
  const videoUrl = await uploadClip(studio)
  // Warm-up takes (not counted): first the first compiles and the clip's facts, then how fast submits go.
  const submitSome = async (count) => {
    let started = 0
    await Promise.all(
      Array.from({ length: SUBMITS_AT_ONCE }, async () => {
        while (started++ < count) await submitTake(studio, TINY_TAKE.endpointId, TINY_TAKE.input(videoUrl, 'bench follow warm-up'))
      }),
    )
  }
  await submitSome(SUBMITS_AT_ONCE)
  const warmStart = performance.now()
  await submitSome(2 * SUBMITS_AT_ONCE)
  const warmUp = 3 * SUBMITS_AT_ONCE
  const perSubmitMs = (performance.now() - warmStart) / (2 * SUBMITS_AT_ONCE)
  // Held streams are silent until their take completes: keep that well under the 300 s after which
  // Node's fetch gives up on a silent body (the follower would then poll instead).
  const holdMs = HOLD_MS ?? Math.min(240_000, Math.round(perSubmitMs * TAKES * 1.25 + 15_000))
  for (let i = 0; ; i++) {
    if ((await control(simulator)).counters.resultCalls >= warmUp) break
    if (i > 240) throw new Error('the warm-up takes did not finish')
    await sleep(500)
  }
  await sleep(2000)
  console.log(
    `bench:follow: ${TAKES} takes on one studio process (${mode === 'split' ? 'PostgreSQL, the simulator in a second process' : 'PGlite, its simulator inside it'}),` +
      ` held until ${(holdMs / 1000).toFixed(0)} s after the first submit (warm-up: ${perSubmitMs.toFixed(0)} ms a submit), then completing over ${SPREAD_MS / 1000} s; load average ${loadAverage()}`,
  )
  await control(simulator, { resetCounters: true })
  await Promise.all([studio.probe(), simulator.probe()]) // the event loops' delays are counted from here
  const sampler = sampleProcess(studio.pid)
  const startedAt = Date.now()
  const firstCompletion = startedAt + holdMs
  const marks = { start: performance.now(), firstCompletion: performance.now() + holdMs - RENDER_MS }
  const ids = new Array(TAKES)
  let next = 0
  let lateSubmits = 0
  const submitMs = []
  await Promise.all(
    Array.from({ length: SUBMITS_AT_ONCE }, async () => {
      for (let i = next++; i < TAKES; i = next++) {
        const tag = `bench-follow-${i}`
        // Its run is held so that it completes at its planned moment (less the render's paced time).
        const completesAt = firstCompletion + (SPREAD_MS * i) / TAKES
        const hold = completesAt - RENDER_MS - Date.now()
        if (hold <= 0) lateSubmits += 1
        await control(simulator, { tag, faults: { slowRunsMs: Math.max(0, Math.round(hold)) } })
        const submitAt = performance.now()
        ids[i] = await submitTake(studio, TINY_TAKE.endpointId, TINY_TAKE.input(videoUrl, `bench follow ${i}`), tag)
        submitMs.push(performance.now() - submitAt)
      }
    }),
  )
  const submittedIn = Date.now() - startedAt
  marks.submitted = performance.now()
  const delays = { submitting: await studio.probe() }
  console.log(
    `  ${TAKES} submitted in ${(submittedIn / 1000).toFixed(1)} s, ${SUBMITS_AT_ONCE} at a time; each submit ${summary(submitMs)}` +
      (lateSubmits ? `\n  ${lateSubmits} submitted after their planned start (submitting took longer than the hold: raise BENCH_HOLD_MS)` : ''),
  )
  await sleep(Math.max(0, firstCompletion - RENDER_MS - Date.now()))
  delays.holding = await studio.probe()

  // Waits on the simulator's counters only (in memory, no database): every result fetched.
  let counters
  for (;;) {
    counters = (await control(simulator)).counters
    if (counters.resultCalls >= TAKES) break
    if (Date.now() - startedAt > holdMs + SPREAD_MS + 10 * 60_000) throw new Error(`only ${counters.resultCalls} of ${TAKES} results fetched after ${(Date.now() - startedAt) / 1000} s`)
    await sleep(1000)
  }
  // Then each take's end (most have ended: each answers at once; the rest are long-polled).
  for (const id of ids) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const view = await (await fetch(`${studio.url}/api/takes/${id}?wait=1`)).json()
      if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(view.status)) break
    }
  }
  sampler.stop()
  marks.settled = performance.now()
  delays.completing = await studio.probe()
  const simulatorDelay = mode === 'split' ? await simulator.probe() : null
  if (process.env.BENCH_CPU_PROFILE) console.log(`  CPU profile of the studio: ${process.env.BENCH_CPU_PROFILE}`)
  counters = (await control(simulator)).counters
  await studio.halt() // stopped before its database files are read (PGlite is one process's)
  const rows = await readTakes(studio, databaseUrl)
  const requests = simulatorRequests(simulator)
  const mine = new Set(ids)
  const takes = rows.filter((row) => mine.has(row.id))
  const statuses = {}
  const copies = {}
  const settled = []
  const noticed = []
  const copying = []
  const recording = []
  const intervals = []
  for (const take of takes) {
    statuses[take.status] = (statuses[take.status] ?? 0) + 1
    copies[take.copy_status ?? 'none'] = (copies[take.copy_status ?? 'none'] ?? 0) + 1
    const request = requests.get(take.fal_request_id)
    const falCompleted = request?.completedAt ? Date.parse(request.completedAt) : NaN
    const updated = new Date(take.updated_at).getTime()
    if (Number.isFinite(falCompleted) && take.completed_at) {
      const began = new Date(take.completed_at).getTime()
      settled.push(updated - falCompleted)
      noticed.push(began - falCompleted)
      // The kept video's file is written last of the copy (after the poster frame).
      const kept = take.video_key ? statSync(path.join(studio.dataDir, 'outputs', take.video_key), { throwIfNoEntry: false }) : undefined
      if (kept) {
        copying.push(kept.mtimeMs - began)
        recording.push(updated - kept.mtimeMs)
      }
    }
    intervals.push([new Date(take.created_at).getTime(), take.completed_at ? updated : Infinity])
  }
  const samples = sampler.samples
  const first = samples[0]
  const last = samples.at(-1)
  const seconds = (last.at - first.at) / 1000
  const cpuPercents = samples.slice(1).map((sample, i) => ((sample.cpu - samples[i].cpu) / ((sample.at - samples[i].at) / 1000)) * 100)
  /** CPU % of a core and the most RSS between two moments (performance.now()). */
  const phase = (from, to) => {
    const inside = samples.filter((sample) => sample.at >= from && sample.at <= to)
    if (inside.length < 2) return 'too short to sample'
    const [a, b] = [inside[0], inside.at(-1)]
    return `${(((b.cpu - a.cpu) / ((b.at - a.at) / 1000)) * 100).toFixed(0)}% of a core over ${((b.at - a.at) / 1000).toFixed(0)} s, RSS up to ${mb(Math.max(...inside.map((s) => s.rss)))}`
  }
  const followCalls = counters.statusCalls + counters.streamCalls + counters.resultCalls
  const takeMinutes = intervals.reduce((total, [from, to]) => total + (Math.min(to, Date.now()) - from), 0) / 60_000
  console.log(`Takes: ${takes.length} recorded, ${JSON.stringify(statuses)}; output copies ${JSON.stringify(copies)}; most in flight at once ${peakInFlight(intervals)}`)
  console.log(
    `Studio process over ${seconds.toFixed(0)} s: CPU ${(((last.cpu - first.cpu) / seconds) * 100).toFixed(0)}% of a core on average, p95 ${percentile(cpuPercents, 95).toFixed(0)}%, max ${Math.max(...cpuPercents).toFixed(0)}%` +
      ` (${(last.cpu - first.cpu).toFixed(1)} CPU s; its child processes (the launcher and the ffmpeg it starts): ${(last.childCpu - first.childCpu).toFixed(1)} CPU s)`,
  )
  console.log(`  RSS: ${mb(first.rss)} at the start, ${mb(Math.max(...samples.map((s) => s.rss)))} at most, ${mb(last.rss)} at the end`)
  console.log(`  submitting:                       ${phase(marks.start, marks.submitted)}; ${loopDelay(delays.submitting)}`)
  console.log(`  all in flight, nothing changing:  ${phase(marks.submitted + 2000, marks.firstCompletion)}; ${loopDelay(delays.holding)}`)
  console.log(`  completing and settling:          ${phase(marks.firstCompletion, marks.settled)}; ${loopDelay(delays.completing)}`)
  if (simulatorDelay) console.log(`  (the simulator's process over the whole run: ${loopDelay(simulatorDelay)}: it delays what "fal" answers)`)
  console.log(
    `Calls to fal: ${counters.streamCalls} status streams, ${counters.statusCalls} status polls, ${counters.resultCalls} results, ${counters.submits} submits` +
      ` = ${(followCalls / TAKES).toFixed(2)} follow calls per take, ${(followCalls / takeMinutes).toFixed(2)} per take per minute in flight (mean time in flight ${(takeMinutes / TAKES).toFixed(1)} min)`,
  )
  console.log(`fal completed → settled record (takes.updated_at)  ${summary(settled)}`)
  console.log(`  fal completed → settling began, result fetched (takes.completed_at)  ${summary(noticed)}`)
  if (copying.length) {
    console.log(`  settling began → output copied (download, poster frame; the kept file's mtime)  ${summary(copying)}`)
    console.log(`  output copied → record written (takes.updated_at)  ${summary(recording)}`)
  }
  const p95 = percentile(settled, 95)
  console.log(`Settled p95 ${p95.toFixed(0)} ms (target ≤ ${TARGET_SETTLED_P95_MS} ms)${p95 > TARGET_SETTLED_P95_MS ? '  ** OVER TARGET **' : ''}; load average now ${loadAverage()}`)
  if (process.env.BENCH_DEBUG === '1') console.log(studio.log())
})
