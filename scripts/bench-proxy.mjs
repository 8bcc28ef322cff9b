// What the fal proxy costs, against the production server (built into TAKES_DIST_DIR first if there
// is none) on its own port and data dir, with the local simulator as fal:
// - the calls it still forwards (a take's status, the upload handshake): through the proxy vs
//   straight to the simulator (with the simulator's key, as the proxy sends it), latency and throughput,
//   measured side by side (alternating) so that the machine's noise falls on all alike, beside two
//   references: the least a fetch-based proxy does, and that plus the rate-limit count (where the
//   target stands on this machine, whose cores the simulator, PostgreSQL and the bench also use);
// - submits, which no longer pass through: the take service validates, estimates, records and then
//   submits with the server's own client. Its latency beside a bare submit straight to the simulator.
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import {
  ensureBuild,
  freePort,
  onCleanUp,
  freshDatabase,
  loadAverage,
  percentile,
  queryStoppedStudio,
  startStudio,
  submitTake,
  TINY_TAKE,
  uploadClip,
  runBench,
} from './bench-studio.mjs'

const CALLS = Number(process.env.BENCH_CALLS ?? 400)
const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 60)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8)
const TARGET_THROUGHPUT = 0.7
const TARGET_ADDED_P50_MS = 3

async function ok(response) {
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${await response.text()}`)
  await response.arrayBuffer()
}

/** Throughput rounds per comparison: direct and proxied alternate, so a noisy neighbour's burst falls on both. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)

/** `calls` calls of `call`, CONCURRENCY in flight; calls a second. */
async function throughputOf(call, calls) {
  let next = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < calls) await call()
    }),
  )
  return calls / ((performance.now() - start) / 1000)
}

function printFigures(label, figures) {
  console.log(
    `  ${label.padEnd(34)} p50 ${figures.p50.toFixed(2).padStart(7)} ms   p95 ${figures.p95.toFixed(2).padStart(7)} ms` +
      (Number.isNaN(figures.throughput) ? '' : `   ${figures.throughput.toFixed(0).padStart(5)} calls/s (${CONCURRENCY} in flight)`) +
      (figures.cpu === undefined || Number.isNaN(figures.cpu) ? '' : `   ${figures.cpu.toFixed(2)} ms CPU a call (${figures.whose})`),
  )
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100

/** A process's CPU time so far (user + system, ms), from /proc; NaN where there is none. */
function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
  } catch {
    return NaN
  }
}

/** One kind of call alone: sequential latency, then throughput. */
async function measure(label, call, calls = CALLS, { warmUp = 20, concurrent = true } = {}) {
  for (let i = 0; i < warmUp; i++) await call()
  const latencies = []
  for (let i = 0; i < calls; i++) {
    const start = performance.now()
    await call()
    latencies.push(performance.now() - start)
  }
  const figures = { p50: percentile(latencies, 50), p95: percentile(latencies, 95), throughput: concurrent ? await throughputOf(call, calls) : NaN }
  printFigures(label, figures)
  return figures
}

/**
 * The same call direct, through the studio's proxy, and through the reference forwarders, measured side
 * by side: the sequential calls alternate one by one, and the throughput runs alternate in ROUNDS rounds;
 * each side's ratio to direct is the median of its rounds' ratios. `sides` is [label, call, owner]
 * triples, direct first, where owner ({ pid, name }) is the process whose CPU a call is counted in.
 */
async function measureSides(sides, calls = CALLS) {
  for (let i = 0; i < 20; i++) for (const [, call] of sides) await call()
  const latencies = sides.map(() => [])
  for (let i = 0; i < calls; i++) {
    for (const [index, [, call]] of sides.entries()) {
      const start = performance.now()
      await call()
      latencies[index].push(performance.now() - start)
    }
  }
  const perRound = Math.ceil(calls / ROUNDS)
  const rounds = sides.map(() => [])
  // Each side's CPU is its middle process's over its throughput runs: the cost of a call, whatever the machine's noise.
  const cpu = sides.map(() => 0)
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, [, call, owner]] of sides.entries()) {
      const before = cpuMsOf(owner.pid)
      rounds[index].push(await throughputOf(call, perRound))
      cpu[index] += cpuMsOf(owner.pid) - before
    }
  }
  const figures = sides.map(([label, , owner], index) => ({
    label,
    cpu: cpu[index] / (perRound * ROUNDS),
    whose: owner.name,
    p50: percentile(latencies[index], 50),
    p95: percentile(latencies[index], 95),
    throughput: percentile(rounds[index], 50),
    ratio: percentile(rounds[index].map((value, round) => value / rounds[0][round]), 50),
  }))
  for (const side of figures) printFigures(side.label, side)
  const [direct, ...others] = figures
  for (const side of others) compare(direct, side)
  return figures
}

/** A side against direct; only the studio's proxy is held to the targets (the forwarders are references). */
function compare(direct, side) {
  const added = side.p50 - direct.p50
  const held = side.label === PROXY_LABEL
  const over = held && (side.ratio < TARGET_THROUGHPUT || added > TARGET_ADDED_P50_MS)
  console.log(
    `  ${`${side.label} vs direct`.padEnd(34)} p50 +${added.toFixed(2)} ms${held ? ` (target ≤ ${TARGET_ADDED_P50_MS})` : ''}   throughput ×${side.ratio.toFixed(2)}, median of ${ROUNDS} rounds${held ? ` (target ≥ ${TARGET_THROUGHPUT})` : ''}${over ? '  ** OVER TARGET **' : ''}`,
  )
}

const PROXY_LABEL = 'proxy'

/**
 * The reference forwarder (scripts/bench-proxy-floor.mjs) as a process of its own, like the studio; with
 * a database URL it counts each POST in the rate-limit function first. Its URL and pid.
 */
async function startFloor(simulator, key, databaseUrl) {
  const port = await freePort()
  const child = spawn(process.execPath, ['scripts/bench-proxy-floor.mjs', String(port), simulator, key, ...(databaseUrl ? [databaseUrl] : [])], { stdio: ['ignore', 'pipe', 'inherit'] })
  const kill = () => child.kill()
  kill.sync = kill
  onCleanUp(kill)
  await new Promise((resolve, reject) => {
    child.stdout.once('data', resolve)
    child.once('exit', (code) => reject(new Error(`The reference forwarder exited (${code})`)))
  })
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, name: 'the forwarder' }
}

/** The simulator's key, as the studio keeps it in its database (read from PostgreSQL, or from a stopped studio's PGlite). */
async function simulatorKey(databaseUrl, studio) {
  const query = `SELECT value FROM studio_secrets WHERE name = 'local-simulator-key'`
  if (!databaseUrl) return (await queryStoppedStudio(studio, query))[0].value
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return (await client.query(query)).rows[0].value
  } finally {
    await client.end()
  }
}

/**
 * The studio to measure and the simulator it forwards to. With PostgreSQL (BENCH_MODE=split, the
 * default when it answers) the simulator is a second studio process, as fal is another host: the
 * measured process does the proxy's work only. Otherwise (BENCH_MODE=single) one studio on PGlite
 * serves both, so each proxied call costs that process two requests.
 */
async function startStudios(env) {
  const databaseUrl = process.env.BENCH_MODE === 'single' ? null : await freshDatabase('proxy')
  if (process.env.BENCH_MODE === 'split' && !databaseUrl) throw new Error('BENCH_MODE=split needs PostgreSQL at BENCH_DATABASE_URL')
  if (databaseUrl) {
    const simulator = await startStudio({ ...env, DATABASE_URL: databaseUrl, TAKES_FOLLOWER: '0' })
    const studio = await startStudio({ ...env, DATABASE_URL: databaseUrl, TAKES_LOCAL_FAL_URL: `${simulator.url}/api/local-fal` })
    const videoUrl = await uploadClip(studio)
    return { mode: 'split', studio, simulator, videoUrl, key: await simulatorKey(databaseUrl), databaseUrl }
  }
  // The simulator's key is made by a first call, and read with the studio stopped.
  const first = await startStudio(env)
  const videoUrl = await uploadClip(first)
  await first.halt()
  const key = await simulatorKey(null, first)
  const studio = await startStudio(env, { dataDir: first.dataDir })
  return { mode: 'single', studio, simulator: studio, videoUrl, key, databaseUrl: null }
}

await runBench(async () => {
  ensureBuild()
  // Runs are long and one at a time: submitted takes wait in the queue, and nothing renders meanwhile.
  const { mode, studio, simulator: simulatorStudio, videoUrl, key, databaseUrl } = await startStudios({ TAKES_LOCAL_RENDER_MS: '600000', TAKES_LOCAL_CONCURRENCY: '1' })
  const simulator = `${simulatorStudio.url}/api/local-fal`
  const auth = { authorization: `Key ${key}` }
  console.log(
    `bench:proxy (${mode === 'split' ? 'PostgreSQL; the simulator in a second process, as fal is another host' : 'PGlite; the simulator in the measured process, which serves each proxied call twice'}): ` +
      `${CALLS} calls each way (sequential, direct and proxied alternating, for latency; then ${CONCURRENCY} in flight, in ${ROUNDS} alternating rounds, for throughput); load average ${loadAverage()}`,
  )

  const running = await submitTake(studio, TINY_TAKE.endpointId, TINY_TAKE.input(videoUrl, 'bench proxy'))
  const { requestId } = await (await fetch(`${studio.url}/api/takes/${running}`)).json()
  const statusPath = `${TINY_TAKE.endpointId.split('/').slice(0, 2).join('/')}/requests/${requestId}/status`
  // The references: the least a fetch-based proxy does, and (on PostgreSQL) that plus the rate-limit count.
  const floor = await startFloor(simulator, key)
  const floorCounting = databaseUrl ? await startFloor(simulator, key, databaseUrl) : null
  console.log(
    `  references: "forwarder" only forwards, by fetch, in a process of its own (scripts/bench-proxy-floor.mjs)${floorCounting ? '; "forwarder + count" first counts the call in the rate-limit function, as the proxy counts a handshake' : ''}`,
  )

  const simulatorProcess = { pid: simulatorStudio.pid, name: mode === 'split' ? 'the simulator' : 'the studio, as the simulator' }
  const studioProcess = { pid: studio.pid, name: mode === 'split' ? 'the studio' : 'the studio, simulator included' }
  console.log('status (GET …/requests/<id>/status)')
  await measureSides([
    ['direct', async () => ok(await fetch(`${simulator}/queue/${statusPath}`, { headers: auth })), simulatorProcess],
    [PROXY_LABEL, async () => ok(await fetch(`${studio.url}/api/fal/proxy`, { headers: { 'x-fal-target-url': `https://queue.fal.run/${statusPath}` } })), studioProcess],
    ['forwarder', async () => ok(await fetch(`${floor.url}/queue/${statusPath}`)), floor],
  ])
  // The route's own cost: the same route answering at once (a target outside the catalog is refused before any forwarding).
  await measure('proxy route, refusing (no forward)', async () => {
    const response = await fetch(`${studio.url}/api/fal/proxy`, { headers: { 'x-fal-target-url': 'https://queue.fal.run/other/app/requests/x/status' } })
    if (response.status !== 403) throw new Error(`The proxy answered ${response.status} to a target outside the catalog`)
    await response.arrayBuffer()
  })

  console.log('upload handshake (POST storage/upload/initiate)')
  const handshake = JSON.stringify({ content_type: 'video/mp4', file_name: 'clip.mp4' })
  const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: handshake }
  await measureSides([
    ['direct', async () => ok(await fetch(`${simulator}/rest/storage/upload/initiate`, { ...post, headers: { ...auth, ...post.headers } })), simulatorProcess],
    [
      PROXY_LABEL,
      async () =>
        ok(await fetch(`${studio.url}/api/fal/proxy`, { ...post, headers: { ...post.headers, 'x-fal-target-url': 'https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3' } })),
      studioProcess,
    ],
    ['forwarder', async () => ok(await fetch(`${floor.url}/rest/storage/upload/initiate`, post)), floor],
    ...(floorCounting ? [['forwarder + count', async () => ok(await fetch(`${floorCounting.url}/rest/storage/upload/initiate`, post)), floorCounting]] : []),
  ])

  console.log(`submit (${SUBMITS} takes each way, sequential; they wait in the simulator's queue)`)
  const input = TINY_TAKE.input(videoUrl, 'bench proxy submit')
  const submitDirect = await measure(
    'direct to the simulator (bare)',
    async () => ok(await fetch(`${simulator}/queue/${TINY_TAKE.endpointId}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(input) })),
    SUBMITS,
    { warmUp: 3, concurrent: false },
  )
  const submitService = await measure('through the take service', async () => void (await submitTake(studio, TINY_TAKE.endpointId, input)), SUBMITS, {
    warmUp: 3,
    concurrent: false,
  })
  console.log(`  ${'the take service adds'.padEnd(34)} p50 +${(submitService.p50 - submitDirect.p50).toFixed(2)} ms   p95 +${(submitService.p95 - submitDirect.p95).toFixed(2)} ms`)
  console.log(`load average now ${loadAverage()}`)
})
