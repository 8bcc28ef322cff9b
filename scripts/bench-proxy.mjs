// What the fal proxy costs, against the production server (built into TAKES_DIST_DIR first if there
// is none) on its own port and data dir, with the local simulator as fal:
// - the calls it still forwards (a take's status, the upload handshake): through the proxy vs
//   straight to the simulator (with the simulator's key, as the proxy sends it), latency and throughput,
//   the two measured side by side (alternating) so that the machine's noise falls on both alike;
// - submits, which no longer pass through: the take service validates, estimates, records and then
//   submits with the server's own client. Its latency beside a bare submit straight to the simulator.
import {
  ensureBuild,
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
      (Number.isNaN(figures.throughput) ? '' : `   ${figures.throughput.toFixed(0).padStart(5)} calls/s (${CONCURRENCY} in flight)`),
  )
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
 * The same call direct and through the proxy, measured side by side: the sequential calls alternate
 * one by one, and the throughput runs alternate in ROUNDS rounds, whose median ratio is the answer.
 */
async function measurePair(direct, proxied, calls = CALLS) {
  for (let i = 0; i < 20; i++) {
    await direct()
    await proxied()
  }
  const latencies = { direct: [], proxied: [] }
  for (let i = 0; i < calls; i++) {
    for (const [side, call] of [['direct', direct], ['proxied', proxied]]) {
      const start = performance.now()
      await call()
      latencies[side].push(performance.now() - start)
    }
  }
  const perRound = Math.ceil(calls / ROUNDS)
  const rounds = { direct: [], proxied: [] }
  for (let round = 0; round < ROUNDS; round++) {
    rounds.direct.push(await throughputOf(direct, perRound))
    rounds.proxied.push(await throughputOf(proxied, perRound))
  }
  const figures = (side) => ({ p50: percentile(latencies[side], 50), p95: percentile(latencies[side], 95), throughput: percentile(rounds[side], 50) })
  const pair = { direct: figures('direct'), proxied: figures('proxied'), ratio: percentile(rounds.proxied.map((value, round) => value / rounds.direct[round]), 50) }
  printFigures('direct', pair.direct)
  printFigures('proxy', pair.proxied)
  compare(pair)
  return pair
}

function compare({ direct, proxied, ratio }) {
  const added = proxied.p50 - direct.p50
  const over = ratio < TARGET_THROUGHPUT || added > TARGET_ADDED_P50_MS
  console.log(
    `  ${'proxy vs direct'.padEnd(34)} p50 +${added.toFixed(2)} ms (target ≤ ${TARGET_ADDED_P50_MS})   throughput ×${ratio.toFixed(2)}, median of ${ROUNDS} rounds (target ≥ ${TARGET_THROUGHPUT})${over ? '  ** OVER TARGET **' : ''}`,
  )
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
    return { mode: 'split', studio, simulator, videoUrl, key: await simulatorKey(databaseUrl) }
  }
  // The simulator's key is made by a first call, and read with the studio stopped.
  const first = await startStudio(env)
  const videoUrl = await uploadClip(first)
  await first.halt()
  const key = await simulatorKey(null, first)
  const studio = await startStudio(env, { dataDir: first.dataDir })
  return { mode: 'single', studio, simulator: studio, videoUrl, key }
}

await runBench(async () => {
  ensureBuild()
  // Runs are long and one at a time: submitted takes wait in the queue, and nothing renders meanwhile.
  const { mode, studio, simulator: simulatorStudio, videoUrl, key } = await startStudios({ TAKES_LOCAL_RENDER_MS: '600000', TAKES_LOCAL_CONCURRENCY: '1' })
  const simulator = `${simulatorStudio.url}/api/local-fal`
  const auth = { authorization: `Key ${key}` }
  console.log(
    `bench:proxy (${mode === 'split' ? 'PostgreSQL; the simulator in a second process, as fal is another host' : 'PGlite; the simulator in the measured process, which serves each proxied call twice'}): ` +
      `${CALLS} calls each way (sequential, direct and proxied alternating, for latency; then ${CONCURRENCY} in flight, in ${ROUNDS} alternating rounds, for throughput); load average ${loadAverage()}`,
  )

  const running = await submitTake(studio, TINY_TAKE.endpointId, TINY_TAKE.input(videoUrl, 'bench proxy'))
  const { requestId } = await (await fetch(`${studio.url}/api/takes/${running}`)).json()
  const statusPath = `${TINY_TAKE.endpointId.split('/').slice(0, 2).join('/')}/requests/${requestId}/status`
  console.log('status (GET …/requests/<id>/status)')
  await measurePair(
    async () => ok(await fetch(`${simulator}/queue/${statusPath}`, { headers: auth })),
    async () => ok(await fetch(`${studio.url}/api/fal/proxy`, { headers: { 'x-fal-target-url': `https://queue.fal.run/${statusPath}` } })),
  )
  // The floor: the same route answering at once (a target outside the catalog is refused before any forwarding).
  await measure('proxy route, refusing (no forward)', async () => {
    const response = await fetch(`${studio.url}/api/fal/proxy`, { headers: { 'x-fal-target-url': 'https://queue.fal.run/other/app/requests/x/status' } })
    if (response.status !== 403) throw new Error(`The proxy answered ${response.status} to a target outside the catalog`)
    await response.arrayBuffer()
  })

  console.log('upload handshake (POST storage/upload/initiate)')
  const handshake = JSON.stringify({ content_type: 'video/mp4', file_name: 'clip.mp4' })
  await measurePair(
    async () => ok(await fetch(`${simulator}/rest/storage/upload/initiate`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: handshake })),
    async () =>
      ok(
        await fetch(`${studio.url}/api/fal/proxy`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-fal-target-url': 'https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3' },
          body: handshake,
        }),
      ),
  )

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
