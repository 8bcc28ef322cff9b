import 'server-only'
import { and, asc, eq, isNull, lte, or, sql } from 'drizzle-orm'
import type { Db } from './client'
import { conn, nowPlus } from './query-helpers'
import { sweeps, takes, type NewSweep, type Sweep, type Take } from './schema'
import type { SweepStatus } from '@/lib/sweeps/sweep-view'

export type { Sweep }

export type CreateSweepInput = Pick<NewSweep, 'endpointId' | 'input' | 'axes' | 'seed' | 'varySeed' | 'concurrency' | 'cellCount' | 'estimateUsd'> &
  Partial<Pick<NewSweep, 'kind' | 'rows'>>

export async function createSweepRecord(values: CreateSweepInput, db?: Db): Promise<Sweep> {
  const [sweep] = await (await conn(db)).insert(sweeps).values(values).returning()
  if (!sweep) throw new Error('The sweep was not stored.')
  return sweep
}

export async function getSweep(id: string, db?: Db): Promise<Sweep | null> {
  const [sweep] = await (await conn(db)).select().from(sweeps).where(eq(sweeps.id, id)).limit(1)
  return sweep ?? null
}

/** The sweep's takes, in cell order. */
export async function listSweepTakes(sweepId: string, db?: Db): Promise<Take[]> {
  return (await conn(db)).select().from(takes).where(eq(takes.sweepId, sweepId)).orderBy(asc(takes.sweepIndex))
}

/**
 * Leases up to `limit` running sweeps to `owner` for `leaseMs`: those nobody holds, whose lease ran
 * out, or that `owner` holds already (renewed). Only the holder submits a sweep's takes.
 */
export async function claimRunningSweeps(owner: string, leaseMs: number, limit: number, db?: Db): Promise<Sweep[]> {
  if (limit < 1) return []
  const database = await conn(db)
  const claimable = database
    .select({ id: sweeps.id })
    .from(sweeps)
    .where(and(eq(sweeps.status, 'RUNNING'), or(isNull(sweeps.leaseExpiresAt), lte(sweeps.leaseExpiresAt, sql`now()`), eq(sweeps.leaseOwner, owner))))
    .orderBy(asc(sweeps.createdAt), asc(sweeps.id))
    .limit(Math.floor(limit))
    .for('update', { skipLocked: true })
  return database
    .update(sweeps)
    .set({ leaseOwner: owner, leaseExpiresAt: nowPlus(leaseMs) })
    .where(sql`${sweeps.id} in ${claimable}`)
    .returning()
}

/** Ends a running sweep (DONE or STOPPED) and drops its lease; null when it was not running. */
export async function endSweep(id: string, status: Exclude<SweepStatus, 'RUNNING'>, db?: Db): Promise<Sweep | null> {
  const [sweep] = await (await conn(db))
    .update(sweeps)
    .set({ status, leaseOwner: null, leaseExpiresAt: null, updatedAt: sql`now()` })
    .where(and(eq(sweeps.id, id), eq(sweeps.status, 'RUNNING')))
    .returning()
  return sweep ?? null
}

/** Gives up `owner`'s leases on sweeps (when its process stops). */
export async function releaseSweepLeases(owner: string, db?: Db): Promise<void> {
  await (await conn(db)).update(sweeps).set({ leaseOwner: null, leaseExpiresAt: null }).where(eq(sweeps.leaseOwner, owner))
}

/**
 * Reserves the sweep's next cell for submission (a compare-and-set on `next_index`), so each cell
 * is submitted at most once even if the sweep passes to another process meanwhile. The reserved
 * index, or null when the sweep moved on, ended, or has no cells left.
 */
export async function reserveSweepCell(sweep: Pick<Sweep, 'id' | 'nextIndex'>, db?: Db): Promise<number | null> {
  const [reserved] = await (await conn(db))
    .update(sweeps)
    .set({ nextIndex: sql`${sweeps.nextIndex} + 1`, updatedAt: sql`now()` })
    .where(and(eq(sweeps.id, sweep.id), eq(sweeps.status, 'RUNNING'), eq(sweeps.nextIndex, sweep.nextIndex), sql`${sweeps.nextIndex} < ${sweeps.cellCount}`))
    .returning({ nextIndex: sweeps.nextIndex })
  return reserved ? reserved.nextIndex - 1 : null
}

/** Adds to what stopping the sweep saved. */
export async function addSweepSaving(id: string, usd: number, db?: Db): Promise<void> {
  await (await conn(db))
    .update(sweeps)
    .set({ savedUsd: sql`coalesce(${sweeps.savedUsd}, 0) + ${usd}`, updatedAt: sql`now()` })
    .where(eq(sweeps.id, id))
}
