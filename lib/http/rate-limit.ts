import 'server-only'
import { createHash } from 'node:crypto'
import { getDb, type Db } from '@/lib/db/client'
import { pruneHits, recordHits, type Hit, type HitOutcome } from '@/lib/db/rate-limit-queries'
import { settingsOf, type Env, type Settings } from '@/lib/settings'
import { ApiError } from './api-error'

/** What is limited: at most the setting's number of requests per `windowMs`, per key (a session or an address). */
const RATE_LIMITS = {
  submit: { setting: 'rateSubmit', windowMs: 60_000, what: 'submits' },
  upload: { setting: 'rateUpload', windowMs: 60_000, what: 'uploads' },
  login: { setting: 'rateLogin', windowMs: 60_000, what: 'sign-in attempts' },
} as const satisfies Record<string, { setting: keyof Settings; windowMs: number; what: string }>

export type RateScope = keyof typeof RATE_LIMITS

const LONGEST_WINDOW_MS = Math.max(...Object.values(RATE_LIMITS).map((limit) => limit.windowMs))
/** How often a process deletes the seconds no window holds any more (a count leaves them out until then). */
const PRUNE_EVERY_MS = 60_000

const PRUNED = Symbol.for('takes.rate-limits-pruned')
const BATCHERS = Symbol.for('takes.rate-limit-batchers')
type Holder = { [PRUNED]?: WeakMap<Db, number>; [BATCHERS]?: WeakMap<Db, HitBatcher> }
/** At most this many hits go to the database in one call. */
const MAX_BATCH = 64

interface WaitingHit {
  hit: Hit
  resolve: (outcome: HitOutcome) => void
  reject: (error: unknown) => void
}

/**
 * A database's hit recorder: one count at a time, and the hits that arrive while a count is under way
 * go together in the next, in one round trip. Under load (upload handshakes in parallel) that is one
 * statement for several requests instead of one each; a lone request goes on the next tick. Hits are
 * counted in the order they came, so the limits are exact as before.
 */
class HitBatcher {
  private readonly waiting: WaitingHit[] = []
  private counting = false

  constructor(private readonly db: Db) {}

  record(hit: Hit): Promise<HitOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ hit, resolve, reject })
      if (!this.counting) void this.countAll()
    })
  }

  private async countAll(): Promise<void> {
    this.counting = true
    // The hits of this turn go with the first.
    await new Promise((resolve) => process.nextTick(resolve))
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_BATCH)
      try {
        const outcomes = await recordHits(batch.map((waiting) => waiting.hit), this.db)
        batch.forEach((waiting, i) => waiting.resolve(outcomes[i] as HitOutcome))
      } catch (error) {
        for (const waiting of batch) waiting.reject(error)
      }
    }
    this.counting = false
  }
}

function hitBatcher(db: Db): HitBatcher {
  const batchers = ((globalThis as Holder)[BATCHERS] ??= new WeakMap())
  let batcher = batchers.get(db)
  if (!batcher) {
    batcher = new HitBatcher(db)
    batchers.set(db, batcher)
  }
  return batcher
}

/** Stored keys name no one: a session cookie or an address is kept only as a hash, per scope. */
function storedKey(scope: RateScope, key: string): string {
  return `${scope}:${createHash('sha256').update(key).digest('base64url').slice(0, 22)}`
}

async function pruneNowAndThen(db: Db, now: number): Promise<void> {
  const pruned = ((globalThis as Holder)[PRUNED] ??= new WeakMap())
  if (now - (pruned.get(db) ?? 0) < PRUNE_EVERY_MS) return
  pruned.set(db, now)
  await pruneHits(new Date(now - LONGEST_WINDOW_MS), db)
}

export interface RateLimitOptions {
  now?: number
  /** The process's own database by default. */
  db?: Db
}

/**
 * Counts a request against every key (e.g. the session and the address) and answers 429 with
 * `Retry-After` when any is over its limit (the refused request is not counted); null when it may go.
 * The counts live in the database, so every studio process on one PostgreSQL shares them.
 */
export async function rateLimited(scope: RateScope, keys: string | string[], env: Env = process.env, options: RateLimitOptions = {}): Promise<Response | null> {
  const { setting, windowMs, what } = RATE_LIMITS[scope]
  const limit = settingsOf(env)[setting]
  const db = options.db ?? (await getDb())
  // Read once the database is open: the first request of a process may wait long for it.
  const now = options.now ?? Date.now()
  const stored = [keys].flat().map((key) => storedKey(scope, key))
  const outcome = await hitBatcher(db).record({ keys: stored, limit, since: new Date(now - windowMs), at: new Date(now) })
  await pruneNowAndThen(db, now)
  if (outcome.recorded) return null
  const seconds = Math.max(1, Math.ceil((outcome.oldestFullHit.getTime() + windowMs - now) / 1000))
  return new ApiError(429, `Too many ${what}: at most ${limit} a minute. Try again in ${seconds} s.`, {
    errorType: 'studio_rate_limited',
    headers: { 'retry-after': String(seconds) },
  }).toResponse()
}
