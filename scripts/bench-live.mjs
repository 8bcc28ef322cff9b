// How soon a take's page shows a change of the take, in Chromium against the production server
// (built into TAKES_DIST_DIR first if there is none), on its own port and data dir.
//
// 1. simulator → page: takes run on the simulator while their page (/t/<id>) is open. Each log line
//    the simulator adds (its timestamp is the moment of the change) travels its status stream → the
//    follower → the database → the change feed → the take's event stream → the page. Latency: the
//    line's timestamp → the first frame after the line is in the page's DOM.
// 2. database → page (PostgreSQL only): the bench holds a take's lease itself, as another studio
//    process following it would, and changes its status (IN_QUEUE ⇄ IN_PROGRESS, a new queue position
//    each time) with an UPDATE. Latency: just before the UPDATE → the first frame showing it.
// Both clocks are this machine's wall clock (Date.now() in Node and in the page).
// Runs on a fresh PostgreSQL database (BENCH_DATABASE_URL, default the test server's) when one
// answers, else on PGlite without part 2.
import {

  control,
  ensureBuild,
  freshDatabase,
  launchChromium,
  loadAverage,
  percentile,
  sleep,
  startStudio,
  submitTake,
  summary,
  takeView,
  TINY_TAKE,
  uploadClip,
  runBench,
} from './bench-studio.mjs'

const MIN_CHANGES = Math.max(1, Number(process.env.BENCH_CHANGES ?? 60))
// Long enough that the page is open before most of a take's lines (8 steps, RENDER_MS / 8 apart).
const RENDER_MS = Number(process.env.BENCH_RENDER_MS ?? 10_000)
const TARGET_P95_MS = 150

/**
 * Runs in the page before its scripts: notes when each event stream opens (the take's, and the
 * header's studio-wide one), and for every change to
 * the DOM the time of the next frame (after the DOM has it): each log line's first appearance, and
 * each new state of the status badge and the live line.
 */
function watchPage() {
  const bench = { opened: [], lines: {}, states: [] }
  window.__bench = bench
  const Native = window.EventSource
  window.EventSource = class extends Native {
    constructor(...args) {
      super(...args)
      const url = String(args[0])
      this.addEventListener('open', () => bench.opened.push({ url, at: Date.now() }))
    }
  }
  let last = ''
  const scan = () => {
    const domAt = Date.now()
    const fresh = []
    for (const line of document.querySelectorAll('[data-testid="take-logs"] li')) {
      const text = line.textContent ?? ''
      if (!(text in bench.lines)) {
        bench.lines[text] = null
        fresh.push(text)
      }
    }
    const badge = document.querySelector('[data-testid="take-status-badge"]')?.textContent ?? ''
    const live = document.querySelector('[data-testid="take-watcher"]')?.textContent ?? ''
    const state = `${badge}\u0000${live}`
    const changed = state !== last
    last = state
    if (!fresh.length && !changed) return
    requestAnimationFrame(() => {
      const shownAt = Date.now()
      for (const text of fresh) bench.lines[text] = { domAt, shownAt }
      if (changed) bench.states.push({ badge, live, domAt, shownAt })
    })
  }
  document.addEventListener('DOMContentLoaded', () => {
    scan()
    new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, characterData: true })
  })
}

/**
 * Reads a server-sent event stream in Node, beside the page: each event's arrival time, so the
 * server's part of a latency can be told from the browser's. Returns a stop function.
 */
function readEvents(url, onEvent) {
  const controller = new AbortController()
  void (async () => {
    const response = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' } })
    const decoder = new TextDecoder()
    let buffer = ''
    for await (const chunk of response.body) {
      const at = Date.now()
      buffer += decoder.decode(chunk, { stream: true })
      let end
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const name = /^event: (.*)$/m.exec(block)?.[1]
        const data = /^data: (.*)$/m.exec(block)?.[1]
        if (name && data) onEvent(name, JSON.parse(data), at)
      }
    }
  })().catch(() => {})
  return () => controller.abort()
}

async function waitFor(page, predicate, arg, timeout = 30_000) {
  await page.waitForFunction(predicate, arg, { timeout, polling: 20 })
}

/** When the page's stream of take `id` opened. */
async function takeStreamOpened(page, id) {
  const path = `/api/takes/${id}/events`
  await waitFor(page, (path) => window.__bench.opened.some((stream) => stream.url.includes(path)), path)
  return page.evaluate((path) => window.__bench.opened.find((stream) => stream.url.includes(path)).at, path)
}

/** Part 1: log lines from the simulator to the page, take after take, until enough were seen. */
async function simulatorToPage(studio, browser, databaseUrl) {
  const videoUrl = await uploadClip(studio)
  // On PostgreSQL the bench hears the database's change notifications too: when the follower's
  // write of each line was committed, which splits the path in two.
  const notified = new Map()
  let listener = null
  if (databaseUrl) {
    const { default: pg } = await import('pg')
    listener = new pg.Client({ connectionString: databaseUrl })
    await listener.connect()
    listener.on('notification', ({ payload }) => {
      const at = Date.now()
      const take = JSON.parse(payload ?? '{}').take
      if (take) notified.set(take, [...(notified.get(take) ?? []), at])
    })
    await listener.query('LISTEN takes_events')
  }
  const written = []
  const afterWrite = []
  const shown = []
  const dom = []
  const server = []
  const completions = []
  const byKind = new Map()
  for (let round = 1; shown.length < MIN_CHANGES; round++) {
    if (round > 40) throw new Error(`only ${shown.length} changes seen in 40 takes`)
    const context = await browser.newContext()
    await context.addInitScript(watchPage)
    const page = await context.newPage()
    const id = await submitTake(studio, TINY_TAKE.endpointId, TINY_TAKE.input(videoUrl, `bench live ${round}`))
    // When each log line reached a reader of the take's event stream in Node (the server's share).
    const arrived = new Map()
    const stopReading = readEvents(`${studio.url}/api/takes/${id}/events`, (name, view, at) => {
      if (name === 'view') for (const log of view.logs) if (!arrived.has(log.message)) arrived.set(log.message, at)
    })
    await page.goto(`${studio.url}/t/${id}`, { waitUntil: 'domcontentloaded' })
    const openedAt = await takeStreamOpened(page, id)
    await waitFor(page, () => /Completed|Failed|Cancelled/.test(document.querySelector('[data-testid="take-status-badge"]')?.textContent ?? ''), undefined, 60_000)
    await sleep(100) // the last frame callbacks
    const { lines, states } = await page.evaluate(() => window.__bench)
    stopReading()
    await context.close()
    const take = await takeView(studio, id)
    if (take.status !== 'COMPLETED') throw new Error(`take ${id} ended ${take.status}: ${JSON.stringify(take.error)}`)
    let counted = 0
    for (const log of take.logs) {
      const changedAt = Date.parse(log.timestamp)
      // Lines from before the page listened arrived with the page, not live.
      if (changedAt <= openedAt) continue
      const seen = Object.entries(lines).find(([text, at]) => at && text.endsWith(log.message))?.[1]
      if (!seen) throw new Error(`take ${id}: the page never showed "${log.message}"`)
      shown.push(seen.shownAt - changedAt)
      dom.push(seen.domAt - changedAt)
      const kind = log.message.replace(/\d+/g, '#').slice(0, 24)
      byKind.set(kind, [...(byKind.get(kind) ?? []), seen.shownAt - changedAt])
      if (arrived.has(log.message)) server.push(arrived.get(log.message) - changedAt)
      const notifiedAt = (notified.get(id) ?? []).find((at) => at >= changedAt)
      if (notifiedAt !== undefined) {
        written.push(notifiedAt - changedAt)
        afterWrite.push(seen.shownAt - notifiedAt)
      }
      counted += 1
    }
    // The end as fal reports it (the "Done" line) → the page says Completed: includes fetching the
    // result and keeping a copy of the output before the take is recorded as finished.
    const done = take.logs.find((log) => log.message === 'Done')
    const completed = states.find((state) => state.badge === 'Completed')
    if (done && completed) completions.push(completed.shownAt - Date.parse(done.timestamp))
    process.stdout.write(`  take ${round}: ${counted} changes\n`)
  }
  await listener?.end()
  return { shown, dom, server, completions, byKind, written, afterWrite }
}

/** Part 2: status changes written to the database by the bench (as another process would) to the page. */
async function databaseToPage(studio, browser, databaseUrl) {
  const { default: pg } = await import('pg')
  const db = new pg.Client({ connectionString: databaseUrl })
  await db.connect()
  try {
    const videoUrl = await uploadClip(studio)
    // The take runs for long on the simulator; the bench takes its lease from this studio's follower.
    await control(studio, { tag: 'bench-live-held', faults: { slowRunsMs: 10 * 60_000 } })
    const id = await submitTake(studio, TINY_TAKE.endpointId, TINY_TAKE.input(videoUrl, 'bench live held'), 'bench-live-held')
    await db.query(`UPDATE takes SET lease_owner = 'bench-live', lease_expires_at = now() + interval '1 hour' WHERE id = $1`, [id])
    await sleep(1500) // the follower sees its lease gone at its next tick and lets the take go
    const context = await browser.newContext()
    await context.addInitScript(watchPage)
    const page = await context.newPage()
    await page.goto(`${studio.url}/t/${id}`, { waitUntil: 'domcontentloaded' })
    await takeStreamOpened(page, id)
    await sleep(300)
    const shown = []
    const dom = []
    const server = []
    const writes = []
    // The take's states as they reach a reader of its event stream in Node (the server's share).
    const arrivals = []
    const stopReading = readEvents(`${studio.url}/api/takes/${id}/events`, (name, view, at) => {
      if (name === 'view') arrivals.push({ status: view.status, position: view.queuePosition, at })
    })
    await sleep(300)
    for (let change = 1; change <= MIN_CHANGES; change++) {
      // The take starts IN_PROGRESS: odd changes queue it (at a new position), even ones run it.
      const queued = change % 2 === 1
      const expected = queued ? { badge: 'In queue', position: change } : { badge: 'In progress', position: null }
      const matches = (state, expected) =>
        state.badge === expected.badge && (expected.position === null || state.live.includes(`Position ${expected.position} in`))
      const before = await page.evaluate(() => window.__bench.states.length)
      const changedAt = Date.now()
      await db.query(`UPDATE takes SET status = $2, queue_position = $3 WHERE id = $1`, [id, queued ? 'IN_QUEUE' : 'IN_PROGRESS', expected.position])
      writes.push(Date.now() - changedAt)
      await waitFor(
        page,
        ({ before, expected }) =>
          window.__bench.states
            .slice(before)
            .some((state) => state.badge === expected.badge && (expected.position === null || state.live.includes(`Position ${expected.position} in`))),
        { before, expected },
      )
      const states = await page.evaluate((before) => window.__bench.states.slice(before), before)
      const state = states.find((candidate) => matches(candidate, expected))
      shown.push(state.shownAt - changedAt)
      dom.push(state.domAt - changedAt)
      const arrival = arrivals.find((a) => a.at >= changedAt && a.status === (queued ? 'IN_QUEUE' : 'IN_PROGRESS') && a.position === expected.position)
      if (arrival) server.push(arrival.at - changedAt)
      await sleep(50 + Math.random() * 100)
    }
    stopReading()
    await context.close()
    return { shown, dom, server, writes }
  } finally {
    await db.end()
  }
}

function report(label, figures) {
  console.log(`${label}`)
  console.log(`  to the next frame  ${summary(figures.shown)}`)
  console.log(`  to the DOM         ${summary(figures.dom)}`)
  console.log(`  to a Node reader of the event stream (the server's share)  ${summary(figures.server)}`)
}

await runBench(async () => {
  ensureBuild()
  const databaseUrl = process.env.BENCH_PGLITE === '1' ? null : await freshDatabase('live')
  const studio = await startStudio({
    TAKES_LOCAL_RENDER_MS: String(RENDER_MS),
    TAKES_LOCAL_CONCURRENCY: '2',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  })
  const browser = await launchChromium()
  console.log(`bench:live on ${databaseUrl ? 'PostgreSQL (a fresh database)' : 'PGlite'}, ≥ ${MIN_CHANGES} changes each; load average ${loadAverage()}`)
  await studio.probe() // the studio's event-loop delays are counted from here
  const simulated = await simulatorToPage(studio, browser, databaseUrl)
  const loopDuringSimulated = await studio.probe()
  report('simulator → page (a log line from the simulator, through the follower, database, change feed and the take’s event stream)', simulated)
  if (simulated.written.length) {
    console.log(`  split at the database's notification, heard by the bench: simulator → follower's write committed  ${summary(simulated.written)}`)
    console.log(`                                                            notification → next frame in the page  ${summary(simulated.afterWrite)}`)
  }
  console.log(`  by line: ${[...simulated.byKind].map(([kind, values]) => `"${kind}" p50 ${percentile(values, 50).toFixed(0)} max ${Math.max(...values).toFixed(0)} (${values.length})`).join(', ')}`)
  if (loopDuringSimulated) console.log(`  the studio's event loop meanwhile (it runs the simulator and its renders too): delay p50 ${loopDuringSimulated.p50} ms, p99 ${loopDuringSimulated.p99} ms, max ${loopDuringSimulated.max} ms`)
  if (simulated.completions.length) console.log(`  the end: "Done" → page says Completed (result fetched, output copied, recorded)  ${summary(simulated.completions)}`)
  let direct = null
  if (databaseUrl) {
    direct = await databaseToPage(studio, browser, databaseUrl)
    report('database → page (an UPDATE of the take’s status by another connection, through NOTIFY, the change feed and the event stream)', direct)
    console.log(`  the UPDATE itself   ${summary(direct.writes, 1)}`)
    const loop = await studio.probe()
    if (loop) console.log(`  the studio's event loop meanwhile: delay p50 ${loop.p50} ms, p99 ${loop.p99} ms, max ${loop.max} ms`)
  } else {
    console.log('database → page: skipped (needs PostgreSQL: set BENCH_DATABASE_URL)')
  }
  const headline = percentile(simulated.shown, 95)
  console.log(`Live p95 ${headline.toFixed(0)} ms simulator → page (target ≤ ${TARGET_P95_MS} ms)${headline > TARGET_P95_MS ? '  ** OVER TARGET **' : ''}; load average now ${loadAverage()}`)
})
