import 'server-only'
import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm'
import type { Db } from './client'
import type { TakePatch } from './queries'
import { conn, nowPlus } from './query-helpers'
import { takes, type Take } from './schema'

// Output copies still to make: a take that completed while its output could not be copied keeps
// `copy_status = 'pending'` and, in `copy_retry_at`, when the next attempt is due. A process claims
// a due copy by moving `copy_retry_at` past the attempt's longest run (a lease, as the follower's) and
// counting the attempt; `copy_attempts` then fences the attempt's result, so a late answer from a
// process whose claim ran out changes nothing.

/** The copy fields an attempt's end sets. */
export type CopyPatch = Pick<TakePatch, 'videoKey' | 'posterKey' | 'copyStatus' | 'copyRetryAt' | 'copyError'>

/**
 * Claims up to `limit` pending copies that are due (oldest due first), each for `leaseMs`, and
 * counts the attempt about to be made. Deleted takes are left alone. Processes sharing one
 * PostgreSQL get disjoint sets.
 */
export async function claimDueCopies(leaseMs: number, limit: number, db?: Db): Promise<Take[]> {
  if (limit < 1) return []
  const database = await conn(db)
  const due = database
    .select({ id: takes.id })
    .from(takes)
    .where(and(eq(takes.copyStatus, 'pending'), lte(takes.copyRetryAt, sql`now()`), isNull(takes.deletedAt)))
    .orderBy(asc(takes.copyRetryAt), asc(takes.id))
    .limit(Math.floor(limit))
    .for('update', { skipLocked: true })
  return database
    .update(takes)
    .set({ copyAttempts: sql`${takes.copyAttempts} + 1`, copyRetryAt: nowPlus(leaseMs) })
    .where(inArray(takes.id, due))
    .returning()
}

/**
 * Records how the claimed attempt number `attempt` ended, unless another claim has counted an
 * attempt since, the copy is no longer pending or the take was deleted. The take, or null when
 * nothing was written.
 */
export async function recordCopyAttempt(id: string, attempt: number, patch: CopyPatch, db?: Db): Promise<Take | null> {
  const [take] = await (await conn(db))
    .update(takes)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(and(eq(takes.id, id), eq(takes.copyStatus, 'pending'), eq(takes.copyAttempts, attempt), isNull(takes.deletedAt)))
    .returning()
  return take ?? null
}
