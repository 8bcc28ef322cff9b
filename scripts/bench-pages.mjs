// JavaScript transferred and load time of `/` and every playground page, in Chromium against the
// production server (built into TAKES_DIST_DIR first if there is none) on its own port and data dir.
// JS bytes come from CDP: `Network.loadingFinished` encodedDataLength (bytes on the wire, headers
// included, compressed as served) and `Network.dataReceived` dataLength (decoded body), for every
// response whose resource type is Script, counted until the network is idle after load.
import { ensureBuild, launchChromium, startStudio, runBench } from './bench-studio.mjs'

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5))
const TARGET_KB = 150
const kB = (bytes) => bytes / 1000

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

// One cold load of `url` in a fresh context with the cache disabled.
async function load(browser, url) {
  const context = await browser.newContext()
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  const responses = new Map() // requestId → { type, url, encoding, decoded, encoded, finishedAt }
  let loadEventAt = Infinity
  cdp.on('Network.responseReceived', ({ requestId, type, response }) => {
    const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v]))
    responses.set(requestId, { type, url: response.url, encoding: headers['content-encoding'] ?? '', decoded: 0, encoded: 0, finishedAt: Infinity })
  })
  cdp.on('Network.dataReceived', ({ requestId, dataLength }) => {
    const entry = responses.get(requestId)
    if (entry) entry.decoded += dataLength
  })
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength, timestamp }) => {
    const entry = responses.get(requestId)
    if (entry) Object.assign(entry, { encoded: encodedDataLength, finishedAt: timestamp })
  })
  cdp.on('Page.loadEventFired', ({ timestamp }) => (loadEventAt = timestamp))
  await cdp.send('Network.enable')
  await cdp.send('Page.enable')
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })

  const response = await page.goto(url, { waitUntil: 'networkidle', timeout: 60_000 })
  if (!response?.ok()) throw new Error(`${url} answered ${response?.status()}`)
  const timing = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const [nav] = performance.getEntriesByType('navigation')
        const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN
        let lcp = NaN
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) lcp = entry.startTime
        }).observe({ type: 'largest-contentful-paint', buffered: true })
        setTimeout(() => resolve({ load: nav.loadEventEnd, dcl: nav.domContentLoadedEventEnd, fcp, lcp }), 50)
      }),
  )
  await context.close()

  const scripts = [...responses.values()].filter((r) => r.type === 'Script' && r.finishedAt !== Infinity)
  const sum = (list, key) => list.reduce((total, r) => total + r[key], 0)
  const byLoad = scripts.filter((r) => r.finishedAt <= loadEventAt)
  return {
    ...timing,
    jsEncoded: sum(scripts, 'encoded'),
    jsDecoded: sum(scripts, 'decoded'),
    jsRequests: scripts.length,
    jsEncodedByLoad: sum(byLoad, 'encoded'),
    uncompressed: scripts.filter((r) => !r.encoding && r.decoded > 1000).map((r) => r.url),
    encodings: new Set(scripts.map((r) => r.encoding || 'none')),
  }
}

await runBench(async () => {
  ensureBuild()
  const studio = await startStudio()
  const BASE = studio.url
  const endpoints = await (await fetch(`${BASE}/api/endpoints`)).json()
  const pages = ['/', ...endpoints.map(({ id }) => `/models/${id}`)]
  const browser = await launchChromium()
  await load(browser, `${BASE}/`) // warm the server (first render of each route is not what we measure)
  for (const page of pages.slice(1)) await load(browser, `${BASE}${page}`)

  console.log(`${pages.length} pages, ${RUNS} cold loads each (fresh context, cache disabled), median times; kB = 1000 bytes`)
  const header = ['page', 'JS kB wire', 'JS kB decoded', 'JS reqs', 'load ms', 'DCL ms', 'FCP ms', 'LCP ms', 'JS kB wire by load']
  const widths = [Math.max(...pages.map((p) => p.length)), 10, 13, 7, 7, 6, 6, 6, 18]
  const row = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ')
  console.log(row(header))
  const results = []
  const notes = []
  for (const page of pages) {
    const runs = []
    for (let i = 0; i < RUNS; i++) runs.push(await load(browser, `${BASE}${page}`))
    const wire = runs.map((r) => r.jsEncoded)
    if (Math.max(...wire) !== Math.min(...wire)) notes.push(`${page}: JS bytes varied between runs (${Math.min(...wire)}–${Math.max(...wire)} B); the table shows the median`)
    const uncompressed = new Set(runs.flatMap((r) => r.uncompressed))
    if (uncompressed.size) notes.push(`${page}: served uncompressed: ${[...uncompressed].join(', ')}`)
    const result = {
      page,
      jsEncoded: median(wire),
      jsDecoded: median(runs.map((r) => r.jsDecoded)),
      jsRequests: median(runs.map((r) => r.jsRequests)),
      jsEncodedByLoad: median(runs.map((r) => r.jsEncodedByLoad)),
      load: median(runs.map((r) => r.load)),
      dcl: median(runs.map((r) => r.dcl)),
      fcp: median(runs.map((r) => r.fcp)),
      lcp: median(runs.map((r) => r.lcp)),
      encodings: [...new Set(runs.flatMap((r) => [...r.encodings]))],
    }
    results.push(result)
    const ms = (v) => (Number.isFinite(v) ? v.toFixed(0) : '–')
    console.log(
      row([page, kB(result.jsEncoded).toFixed(1), kB(result.jsDecoded).toFixed(1), result.jsRequests, ms(result.load), ms(result.dcl), ms(result.fcp), ms(result.lcp), kB(result.jsEncodedByLoad).toFixed(1)]),
    )
  }

  console.log(`JS content-encoding seen: ${[...new Set(results.flatMap((r) => r.encodings))].join(', ')}`)
  for (const note of notes) console.log(`note: ${note}`)
  const largest = results.slice(1).reduce((a, b) => (b.jsEncoded > a.jsEncoded ? b : a))
  const over = kB(largest.jsEncoded) > TARGET_KB
  console.log(
    `Playground JS: ${kB(largest.jsEncoded).toFixed(1)} kB (target ≤ ${TARGET_KB} kB) — largest is ${largest.page}${over ? '  ** OVER TARGET **' : ''}`,
  )
})
