import 'server-only'
import { and, count, gt, inArray, lte, min, sql } from 'drizzle-orm'
import type { Db } from './client'
import { conn } from './query-helpers'
import { rateLimitHits } from './schema'

/** The rate limits' advisory locks are (this class, a hash of the key); the studio's other locks take one bigint. */
const RATE_LOCK_CLASS = 727_165_007

export type HitOutcome = { recorded: true } | { recorded: false; oldestFullHit: Date }

/**
 * Records one hit at `at` for each key, unless a key already has `limit` hits after `since`: then
 * nothing is recorded, and the answer says when the latest of the full keys' oldest hits was.
 * Under one advisory lock per key (taken in key order), so every process on the database counts the
 * same hits and no two requests both take the last one; each key's hits from before `since` go.
 */
export async function recordHitsWithinLimit(keys: readonly string[], limit: number, since: Date, at: Date, db?: Db): Promise<HitOutcome> {
  const unique = [...new Set(keys)].sort()
  if (unique.length === 0) return { recorded: true }
  return (await conn(db)).transaction(async (tx) => {
    for (const key of unique) await tx.execute(sql`select pg_advisory_xact_lock(${RATE_LOCK_CLASS}::int, hashtext(${key}))`)
    await tx.delete(rateLimitHits).where(and(inArray(rateLimitHits.key, unique), lte(rateLimitHits.at, since)))
    const counted = await tx
      .select({ hits: count(), oldest: min(rateLimitHits.at) })
      .from(rateLimitHits)
      .where(and(inArray(rateLimitHits.key, unique), gt(rateLimitHits.at, since)))
      .groupBy(rateLimitHits.key)
    const full = counted.filter((row) => row.hits >= limit && row.oldest !== null)
    if (full.length > 0) return { recorded: false, oldestFullHit: new Date(Math.max(...full.map((row) => row.oldest!.getTime()))) }
    await tx.insert(rateLimitHits).values(unique.map((key) => ({ key, at })))
    return { recorded: true }
  })
}

/** Forgets every hit at or before `before` (keys no longer asked about keep theirs until then). */
export async function pruneHits(before: Date, db?: Db): Promise<void> {
  await (await conn(db)).delete(rateLimitHits).where(lte(rateLimitHits.at, before))
}
