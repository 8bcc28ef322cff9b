// Preloaded into a bench's studio (`node --import`): on SIGUSR2 it writes BENCH_PROBE_FILE, a JSON of
// the event loop's delays since the last signal (how long ready work waited: a blocked loop delays
// every request, stream and query alike), and, when BENCH_CPU_PROFILE names a file, the CPU profile
// since the last signal (Chrome DevTools' .cpuprofile format).
import { renameSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { monitorEventLoopDelay } from 'node:perf_hooks'

const probeFile = process.env.BENCH_PROBE_FILE
const profileFile = process.env.BENCH_CPU_PROFILE

/** Writes atomically, so the bench never reads half a file. */
function publish(file, text) {
  writeFileSync(`${file}.tmp`, text)
  renameSync(`${file}.tmp`, file)
}

/** The histogram records the interval between its timer's turns: the delay is what exceeds this. */
const RESOLUTION_MS = 10

if (probeFile) {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  delay.enable()
  let session = null
  if (profileFile) {
    session = new Session()
    session.connect()
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 1000 })
    await session.post('Profiler.start')
  }
  process.on('SIGUSR2', async () => {
    const ms = (ns) => Math.max(0, Math.round(ns / 1e4 - RESOLUTION_MS * 100) / 100)
    const figures = { p50: ms(delay.percentile(50)), p95: ms(delay.percentile(95)), p99: ms(delay.percentile(99)), max: ms(delay.max), mean: ms(delay.mean) }
    delay.reset()
    if (session) publish(profileFile, JSON.stringify((await session.post('Profiler.stop')).profile))
    publish(probeFile, JSON.stringify(figures))
    if (session) await session.post('Profiler.start')
  })
}
