import 'server-only'
import { lte, sql } from 'drizzle-orm'
import type { Db } from './client'
import { conn } from './query-helpers'
import { rateLimitCounts } from './schema'

export type HitOutcome = { recorded: true } | { recorded: false; oldestFullHit: Date }

/** One request's hit: counted on each of its keys, unless one already has `limit` hits after `since`. */
export interface Hit {
  keys: readonly string[]
  limit: number
  since: Date
  at: Date
}

/**
 * Records each hit at its `at` on each of its keys, in order, unless one of its keys already has
 * `limit` hits after `since`: then nothing of that hit is recorded, and its answer says when the latest
 * of its full keys' oldest counted hits was. Hits are counted per key per second, and a second's hits
 * count until its last one is at or before `since`. One call to the database's takes_record_hits
 * (migration 0015), which counts under one advisory lock per key, so every process on the database
 * counts the same hits and no two requests both take the last one.
 */
export async function recordHits(hits: readonly Hit[], db?: Db): Promise<HitOutcome[]> {
  if (hits.length === 0) return []
  const batch = hits.map((hit) => ({ keys: [...new Set(hit.keys)], limit: hit.limit, since: hit.since.toISOString(), at: hit.at.toISOString() }))
  const result = await (await conn(db)).execute(
    sql`select answer.oldest from unnest(takes_record_hits(${JSON.stringify(batch)}::jsonb)) with ordinality as answer(oldest, n) order by answer.n`,
  )
  // Both drivers answer { rows }; a timestamptz comes back as a Date or as text.
  const { rows } = result as unknown as { rows: { oldest: Date | string | null }[] }
  if (rows.length !== hits.length) throw new Error(`takes_record_hits answered ${rows.length} outcomes for ${hits.length} hits`)
  return rows.map(({ oldest }) => (oldest === null ? { recorded: true } : { recorded: false, oldestFullHit: new Date(oldest) }))
}

/** Forgets every second whose last hit was at or before `before` (keys no longer asked about keep theirs until then). */
export async function pruneHits(before: Date, db?: Db): Promise<void> {
  await (await conn(db)).delete(rateLimitCounts).where(lte(rateLimitCounts.lastAt, before))
}
