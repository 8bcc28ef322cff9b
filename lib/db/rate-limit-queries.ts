import 'server-only'
import { lte, sql } from 'drizzle-orm'
import type { Db } from './client'
import { conn } from './query-helpers'
import { rateLimitCounts } from './schema'

export type HitOutcome = { recorded: true } | { recorded: false; oldestFullHit: Date }

/**
 * Records one hit at `at` for each key, unless a key already has `limit` hits after `since`: then
 * nothing is recorded, and the answer says when the latest of the full keys' oldest counted hits was.
 * Hits are counted per key per second, and a second's hits count until its last one is at or before
 * `since`. One call to the database's takes_record_hits (migration 0013), which counts under one
 * advisory lock per key, so every process on the database counts the same hits and no two requests
 * both take the last one; each key's seconds wholly before `since` go.
 */
export async function recordHitsWithinLimit(keys: readonly string[], limit: number, since: Date, at: Date, db?: Db): Promise<HitOutcome> {
  const unique = [...new Set(keys)]
  if (unique.length === 0) return { recorded: true }
  const result = await (await conn(db)).execute(
    sql`select takes_record_hits(array[${sql.join(unique.map((key) => sql`${key}`), sql`, `)}]::text[], ${limit}::int, ${since.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz) as oldest`,
  )
  // Both drivers answer { rows }; a timestamptz comes back as a Date or as text.
  const [row] = (result as unknown as { rows: { oldest: Date | string | null }[] }).rows
  const oldest = row?.oldest ?? null
  return oldest === null ? { recorded: true } : { recorded: false, oldestFullHit: new Date(oldest) }
}

/** Forgets every second whose last hit was at or before `before` (keys no longer asked about keep theirs until then). */
export async function pruneHits(before: Date, db?: Db): Promise<void> {
  await (await conn(db)).delete(rateLimitCounts).where(lte(rateLimitCounts.lastAt, before))
}
