// History-page latency at 100,000 takes, on embedded PGlite and on PostgreSQL.
//
// Seeds 100,000 takes (bulk inserts through Drizzle), ANALYZEs, then times `listTakes` — the query
// behind the history page — for the first page, a page ~50,000 takes deep (reached by walking the
// cursor once, untimed), and the first page filtered by endpoint, by status and by prompt search.
// Keyset pagination should make the deep page cost about what the first does: it must stay within
// 2× of the first page's p50 on both databases, or the script exits non-zero.
//
//   npm run bench:history
//   BENCH_RUNS=50                 timed runs per query (after 5 warm-up rounds)
//   BENCH_DATABASE_URL / TEST_DATABASE_URL   PostgreSQL to use (a fresh schema, dropped at the end)
//   BENCH_SKIP_POSTGRES=1         PGlite only
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { count, sql } from 'drizzle-orm'
import pg from 'pg'
import { openDb, type Db, type DbConfig } from '@/lib/db/client'
import { listTakes, type ListTakesOptions } from '@/lib/db/queries'
import { takes, type NewTake, type TakeStatus } from '@/lib/db/schema'
import { CATALOG_ENTRIES } from '@/lib/endpoints'

const TOTAL = 100_000
const BATCH = 2_500
const PAGE = 48
const DEEP = 50_000
/** The walk to the deep page uses the largest page `listTakes` allows, to get there quickly. */
const WALK_PAGE = 200
const WARMUP = 5
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 50))
const MAX_RATIO = 2
const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://takes:takes@127.0.0.1:5432/takes_test'
const SKIP_POSTGRES = process.env.BENCH_SKIP_POSTGRES === '1'
const SEARCH = 'lighthouse'

// Ctrl-C stops the run at the next query, so the normal path closes the database, then cleans up.
let interrupted = false
process.once('SIGINT', () => {
  interrupted = true
  console.error('\nInterrupted: cleaning up…')
})
/** Also yields to the event loop: PGlite answers without doing so, and the signal waits for it. */
async function stopIfInterrupted(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve))
  if (interrupted) throw new Error('Interrupted.')
}

// ---------------------------------------------------------------------------------------------
// Seed data from a seeded PRNG: every run and both databases get the same mix of endpoints, prompts,
// statuses and ages (ids and request ids are random).

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const SUBJECTS = ['a lone cowboy', 'a red fox', 'an old fisherman', 'a dancer in a silver dress', 'a vintage car', 'a paper boat', 'a street musician', 'two astronauts', 'a lighthouse keeper', 'a hummingbird', 'a chef', 'a skateboarder', 'a knight in rusted armour', 'a child with a kite', 'a jellyfish']
const ACTIONS = ['walks slowly through', 'drifts across', 'spins in the middle of', 'waits quietly in', 'races through', 'looks up at the sky above', 'plays an accordion in', 'climbs the stairs of', 'glides over', 'sits alone in']
const PLACES = ['a dusty frontier town', 'a neon-lit street at night', 'a misty pine forest', 'a crowded night market', 'a frozen lake', 'the ruins of a lighthouse', 'a sunlit wheat field', 'a rain-soaked rooftop', 'a coral reef', 'an empty train station', 'a desert canyon', 'a snowy mountain pass']
const CAMERAS = ['the camera slowly dollies in', 'handheld tracking shot', 'aerial drone shot', 'static wide shot', 'slow pan from left to right', 'close-up with shallow depth of field', 'the camera orbits around the subject']
const STYLES = ['black-and-white, film grain', 'golden hour light', 'cinematic, anamorphic lens flare', 'soft pastel colours', '35mm documentary look', 'moody blue tones', 'hyper-real, 4k detail', 'warm tungsten light']

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T

function seedTake(random: () => number, now: number): NewTake {
  const entry = pick(random, CATALOG_ENTRIES)
  const prompt = `${pick(random, SUBJECTS)} ${pick(random, ACTIONS)} ${pick(random, PLACES)}, ${pick(random, CAMERAS)}, ${pick(random, STYLES)}`
  const roll = random()
  const status: TakeStatus = roll < 0.9 ? 'COMPLETED' : roll < 0.96 ? 'FAILED' : 'CANCELLED'
  // Spread over the last year, at millisecond precision (what the column keeps).
  const createdAt = new Date(now - Math.floor(random() * 365 * 24 * 3600 * 1000))
  const startedAt = new Date(createdAt.getTime() + Math.floor(2_000 + random() * 60_000))
  const inferenceTime = 20 + random() * 160
  const completedAt = new Date(startedAt.getTime() + Math.floor(inferenceTime * 1000))
  const estimateUsd = Math.round((0.05 + random() * 1.4) * 10_000) / 10_000
  const id = randomBytes(16).toString('base64url')
  const base: NewTake = {
    id,
    endpointId: entry.id,
    input: { ...entry.example, prompt, seed: Math.floor(random() * 2 ** 31) },
    falRequestId: randomUUID(),
    status,
    logs: [{ message: 'Starting generation', level: 'INFO', timestamp: startedAt.toISOString() }],
    estimateUsd,
    createdAt,
    updatedAt: completedAt,
    startedAt,
    completedAt,
  }
  if (status === 'COMPLETED') {
    return {
      ...base,
      output: {
        video: { url: `https://v3b.fal.media/files/b/${id.slice(0, 8)}/${id}.mp4`, content_type: 'video/mp4', file_name: `${id}.mp4`, width: 1920, height: 1080, fps: 25, duration: 6, num_frames: 151 },
        seed: Math.floor(random() * 2 ** 31),
        prompt,
      },
      billedUsd: estimateUsd,
      inferenceTime,
      videoKey: `videos/${id}.mp4`,
      posterKey: `posters/${id}.jpg`,
    }
  }
  if (status === 'FAILED') {
    return { ...base, error: { kind: 'request', message: 'The model crashed while generating this take.', errorType: 'runner_server_error', status: 500, retryable: true } }
  }
  return { ...base, completedAt: null, error: { kind: 'request', message: 'The take was cancelled.', errorType: 'client_cancelled', retryable: true } }
}

async function seed(db: Db): Promise<void> {
  const random = mulberry32(0x7a4e5)
  const now = Date.now()
  for (let done = 0; done < TOTAL; done += BATCH) {
    await stopIfInterrupted()
    const rows = Array.from({ length: Math.min(BATCH, TOTAL - done) }, () => seedTake(random, now))
    await db.insert(takes).values(rows)
  }
  // Fresh statistics, as autovacuum would have them on a real database. (Raw result ignored: its
  // shape differs between the drivers.)
  await db.execute(sql`analyze takes`)
}

// ---------------------------------------------------------------------------------------------
// Timing

async function timeMs(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await run()
  return performance.now() - start
}

/** Nearest-rank percentile. */
function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
}

interface Query {
  name: string
  options: ListTakesOptions
}

interface Result {
  name: string
  p50: number
  p95: number
  rows: number
}

/**
 * Times every query RUNS times, after WARMUP rounds. Round-robin (one run of each query per
 * round), so a burst of load on the machine hits every query alike instead of skewing one of them.
 */
async function measure(db: Db, queries: readonly Query[]): Promise<Result[]> {
  const samples = queries.map((): number[] => [])
  const rows = queries.map(() => 0)
  for (let round = 0; round < WARMUP + RUNS; round++) {
    for (const [i, query] of queries.entries()) {
      await stopIfInterrupted()
      const ms = await timeMs(async () => {
        rows[i] = (await listTakes({ ...query.options, limit: PAGE }, db)).takes.length
      })
      if (round >= WARMUP) samples[i]?.push(ms)
    }
  }
  return queries.map((query, i) => ({ name: query.name, p50: percentile(samples[i] ?? [], 50), p95: percentile(samples[i] ?? [], 95), rows: rows[i] ?? 0 }))
}

/** The cursor after about the DEEP-th take, reached page by page (not timed). */
async function deepCursor(db: Db): Promise<string> {
  let cursor: string | null = null
  for (let seen = 0; seen < DEEP; ) {
    await stopIfInterrupted()
    const page = await listTakes({ cursor, limit: WALK_PAGE }, db)
    seen += page.takes.length
    if (!page.nextCursor) throw new Error(`The list ended after ${seen} takes, before reaching ${DEEP}.`)
    cursor = page.nextCursor
  }
  if (!cursor) throw new Error('No cursor.')
  return cursor
}

// ---------------------------------------------------------------------------------------------
// One database

const fmt = (ms: number) => ms.toFixed(2).padStart(9)

async function bench(label: string, config: DbConfig): Promise<boolean> {
  console.log(`\n== ${label} ==`)
  const open = await openDb(config)
  try {
    const { db } = open
    const seedMs = await timeMs(() => seed(db))
    const [stored] = await db.select({ n: count() }).from(takes)
    console.log(`seeded ${stored?.n ?? 0} takes in ${(seedMs / 1000).toFixed(1)} s (batches of ${BATCH}, then ANALYZE)`)
    let cursor = ''
    const walkMs = await timeMs(async () => {
      cursor = await deepCursor(db)
    })
    console.log(`walked the cursor to take ~${DEEP} in ${(walkMs / 1000).toFixed(1)} s (untimed for the table); ${RUNS} runs per query (round-robin) after ${WARMUP} warm-up rounds, limit ${PAGE}`)

    const endpointId = CATALOG_ENTRIES[1]?.id ?? ''
    const results = await measure(db, [
      { name: 'first page', options: {} },
      { name: `deep page (after ~${DEEP})`, options: { cursor } },
      { name: `endpoint = ${endpointId}`, options: { endpointId } },
      { name: 'status = FAILED', options: { status: 'FAILED' } },
      { name: `search "${SEARCH}"`, options: { search: SEARCH } },
    ])
    const width = Math.max(...results.map((r) => r.name.length), 5)
    console.log(`${'query'.padEnd(width)}    p50 ms    p95 ms  rows`)
    for (const r of results) console.log(`${r.name.padEnd(width)} ${fmt(r.p50)} ${fmt(r.p95)}  ${String(r.rows).padStart(4)}`)
    const [first, deep] = results
    const ratio = (deep?.p50 ?? Number.NaN) / (first?.p50 ?? Number.NaN)
    const pass = ratio <= MAX_RATIO
    console.log(`deep/first p50 ratio: ${ratio.toFixed(2)} (limit ${MAX_RATIO}×) ${pass ? 'PASS' : 'FAIL'}`)
    return pass
  } finally {
    await open.close()
  }
}

// ---------------------------------------------------------------------------------------------
// The two databases, each cleaned up whatever happens

const cleanups: (() => Promise<void>)[] = []
async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => console.error('cleanup failed:', error))
}

/** The URL without its password, for messages. */
function shown(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparsable URL)'
  }
}

/** Runs statements on PG_URL on a connection of its own, outside the code under test. */
async function onPostgres(...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5_000 })
  await client.connect()
  try {
    for (const statement of statements) await client.query(statement)
  } finally {
    await client.end()
  }
}

async function runPglite(): Promise<boolean> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'takes-bench-history-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return bench(`PGlite (${dir})`, { kind: 'pglite', dataDir: path.join(dir, 'db') })
}

/** Checks PostgreSQL answers (before spending minutes on PGlite) and readies it; false if not. */
async function preparePostgres(): Promise<boolean> {
  try {
    // Once, in public, for every schema to see (the migration would make it in the new schema).
    await onPostgres('create extension if not exists pg_trgm schema public')
    return true
  } catch (error) {
    console.error(`PostgreSQL unreachable at ${shown(PG_URL)}: ${error instanceof Error ? error.message : String(error)}`)
    console.error('Start it, point BENCH_DATABASE_URL at one, or set BENCH_SKIP_POSTGRES=1 to benchmark PGlite only.')
    return false
  }
}

async function runPostgres(): Promise<boolean> {
  const schema = `bench_history_${randomBytes(6).toString('hex')}`
  cleanups.push(() => onPostgres(`drop schema if exists "${schema}" cascade`))
  return bench(`PostgreSQL (${shown(PG_URL)}, schema ${schema})`, { kind: 'postgres', url: PG_URL, schema })
}

async function main(): Promise<number> {
  console.log(`bench:history — ${TOTAL.toLocaleString('en')} takes over ${CATALOG_ENTRIES.length} endpoints; pages of ${PAGE}`)
  if (!SKIP_POSTGRES && !(await preparePostgres())) return 1
  let ok = true
  try {
    ok = (await runPglite()) && ok
    await cleanUp()
    if (SKIP_POSTGRES) console.log('\nPostgreSQL skipped (BENCH_SKIP_POSTGRES=1).')
    else ok = (await runPostgres()) && ok
  } finally {
    await cleanUp()
  }
  return ok ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(interrupted ? 'Interrupted.' : error)
    process.exit(interrupted ? 130 : 1)
  },
)
