// Status-call latency and throughput through the proxy vs straight to the local backend.
// Starts the production server (build first: `npm run build`) on its own port and data dir.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const PORT = Number(process.env.BENCH_PORT ?? 3300)
const CALLS = Number(process.env.BENCH_CALLS ?? 400)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8)
const BASE = `http://127.0.0.1:${PORT}`
const ENDPOINT = 'fal-ai/ltx-2/image-to-video'

if (!existsSync('.next/BUILD_ID')) {
  console.error('No production build: run `npm run build` first.')
  process.exit(1)
}

const server = spawn(process.execPath, ['scripts/serve.mjs'], {
  env: { ...process.env, PORT: String(PORT), HOSTNAME: '127.0.0.1', TAKES_BACKEND: 'local', TAKES_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'takes-bench-')), TAKES_LOCAL_RENDER_MS: '600000' },
  stdio: 'ignore',
})
process.on('exit', () => server.kill('SIGKILL'))

async function waitForServer() {
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${BASE}/api/endpoints`)).ok) return
    } catch {}
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error('server did not start')
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

async function measure(label, call) {
  for (let i = 0; i < 20; i++) await call() // warm-up
  const latencies = []
  for (let i = 0; i < CALLS; i++) {
    const start = performance.now()
    await call()
    latencies.push(performance.now() - start)
  }
  latencies.sort((a, b) => a - b)
  let next = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < CALLS) await call()
    }),
  )
  const throughput = CALLS / ((performance.now() - start) / 1000)
  const figures = { p50: percentile(latencies, 50), p95: percentile(latencies, 95), throughput }
  console.log(`${label.padEnd(10)} p50 ${figures.p50.toFixed(2)} ms   p95 ${figures.p95.toFixed(2)} ms   ${throughput.toFixed(0)} calls/s (${CONCURRENCY} in flight)`)
  return figures
}

await waitForServer()
const submit = await fetch(`${BASE}/api/fal/proxy`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-fal-target-url': `https://queue.fal.run/${ENDPOINT}` },
  body: JSON.stringify({ prompt: 'bench', image_url: 'data:image/png;base64,iVBORw0KGgo=' }),
})
const { request_id: id } = await submit.json()
if (!id) throw new Error(`submit failed: ${submit.status}`)
const statusPath = `fal-ai/ltx-2/requests/${id}/status`

async function ok(response) {
  if (!response.ok) throw new Error(`status call answered ${response.status}`)
  await response.arrayBuffer()
}

console.log(`${CALLS} status calls each way, sequential for latency, ${CONCURRENCY} in flight for throughput`)
const direct = await measure('direct', async () => ok(await fetch(`${BASE}/api/local-fal/queue/${statusPath}`)))
const proxied = await measure('proxy', async () =>
  ok(await fetch(`${BASE}/api/fal/proxy`, { headers: { 'x-fal-target-url': `https://queue.fal.run/${statusPath}` } })),
)
console.log(
  `ratio      p50 ×${(proxied.p50 / direct.p50).toFixed(2)}   p95 ×${(proxied.p95 / direct.p95).toFixed(2)}   throughput ×${(proxied.throughput / direct.throughput).toFixed(2)}`,
)
server.kill('SIGKILL')
process.exit(0)
