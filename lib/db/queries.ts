import 'server-only'
import { randomBytes } from 'node:crypto'
import { and, asc, desc, eq, ilike, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm'
import type { PgInsertValue } from 'drizzle-orm/pg-core'
import type { Payload } from '@/lib/schema'
import type { Db } from './client'
import { conn, isUniqueViolation, nowPlus } from './query-helpers'
import { RESULT_EXPIRED } from '@/lib/takes/result-expired'
import { inChainOf } from './chain-queries'
import { presets, takes, UNFINISHED_STATUSES, type NewTake, type Preset, type Take, type TakeLogEntry, type TakeStatus } from './schema'

// Every function takes the database last, optionally: the process's own (`getDb()`) by default,
// another one in tests.

export type { Take, TakeLogEntry, TakeStatus }

export interface CreateTakeInput {
  endpointId: string
  input: Payload
  estimateUsd?: number | null
  /** Known when the take is recorded after the submit answered. */
  falRequestId?: string | null
  status?: TakeStatus
  /** Defaults to the database's clock; set for imports (and tests). */
  createdAt?: Date
  /**
   * Leases the new take to its submitter, so no follower claims it while the submit is under way;
   * release it (or let it expire) once the request id is stored.
   */
  lease?: { owner: string; ms: number }
  /** The sweep cell this take fills. */
  sweep?: { id: string; index: number }
  /** The take this one continues (a shot chain); checked by the caller to exist and be finished. */
  parentTakeId?: string | null
}

/** What may change on a take after it is created. `updated_at` is set by every update. */
export type TakePatch = Partial<
  Pick<
    NewTake,
    | 'falRequestId'
    | 'status'
    | 'queuePosition'
    | 'logs'
    | 'output'
    | 'error'
    | 'estimateUsd'
    | 'billedUsd'
    | 'billableUnits'
    | 'billedUnit'
    | 'billedRateUsd'
    | 'inferenceTime'
    | 'startedAt'
    | 'completedAt'
    | 'videoKey'
    | 'posterKey'
    | 'copyStatus'
    | 'copyAttempts'
    | 'copyRetryAt'
    | 'copyError'
    | 'followMode'
    | 'cancelRequestedAt'
    | 'input'
  >
>

export interface ListTakesOptions {
  endpointId?: string
  status?: TakeStatus | readonly TakeStatus[]
  /** Case-insensitive substring of the prompt typed (`input.prompt`) or the one fal used (`output.prompt`). */
  search?: string
  /** Only the takes of this take's chain (its root and everything descended from it). */
  chain?: string
  /** `nextCursor` of the previous page; omit for the first (newest) page. */
  cursor?: string | null
  /** 1 to MAX_LIST_LIMIT; DEFAULT_LIST_LIMIT when omitted. */
  limit?: number
}

export interface TakePage {
  takes: Take[]
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null
}

export const DEFAULT_LIST_LIMIT = 50
export const MAX_LIST_LIMIT = 200

/** A `cursor` that no `listTakes` page gave out. */
export class InvalidCursorError extends Error {
  constructor() {
    super('Invalid cursor.')
    this.name = 'InvalidCursorError'
  }
}


const promptOf = sql`${takes.input} ->> 'prompt'`
/** The prompt fal says it used (prompt expansion may rewrite the typed one); history search finds either. */
const usedPromptOf = sql`${takes.output} ->> 'prompt'`

function newTakeValues(values: CreateTakeInput): PgInsertValue<typeof takes> {
  return {
      endpointId: values.endpointId,
      input: values.input,
      estimateUsd: values.estimateUsd ?? null,
      falRequestId: values.falRequestId ?? null,
      status: values.status ?? 'IN_QUEUE',
      ...(values.createdAt ? { createdAt: values.createdAt, updatedAt: values.createdAt } : {}),
      ...(values.sweep ? { sweepId: values.sweep.id, sweepIndex: values.sweep.index } : {}),
      ...(values.parentTakeId ? { parentTakeId: values.parentTakeId } : {}),
      ...(values.lease ? { leaseOwner: values.lease.owner, leaseExpiresAt: nowPlus(values.lease.ms) } : {}),
  }
}

export async function createTake(values: CreateTakeInput, db?: Db): Promise<Take> {
  const [take] = await (await conn(db)).insert(takes).values(newTakeValues(values)).returning()
  if (!take) throw new Error('The take was not stored.')
  return take
}

/** Any session-level advisory lock key will do, as long as every Takes process uses the same one. */
const SPEND_LOCK_KEY = 727_165_006

/**
 * Records a take only if `fits(spent)` says today's spend (`spentSince(since)`) leaves room for it:
 * the check and the insert are one transaction under one advisory lock, so submits racing in any
 * number of processes never together pass the room left. Null when it does not fit.
 */
export async function createTakeWithinBudget<Refusal>(
  values: CreateTakeInput,
  since: Date,
  refuse: (spent: number) => Refusal | null,
  db?: Db,
): Promise<{ take: Take } | { refusal: Refusal }> {
  return (await conn(db)).transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SPEND_LOCK_KEY})`)
    const refusal = refuse(await spentSince(since, tx))
    if (refusal !== null) return { refusal }
    const [take] = await tx.insert(takes).values(newTakeValues(values)).returning()
    if (!take) throw new Error('The take was not stored.')
    return { take }
  })
}

/** A take that has not been deleted. */
export async function getTake(id: string, db?: Db): Promise<Take | null> {
  const [take] = await (await conn(db)).select().from(takes).where(and(eq(takes.id, id), isNull(takes.deletedAt))).limit(1)
  return take ?? null
}

/** A take, deleted or not: the server still follows and bills a deleted take that was running. */
export async function getTakeEvenIfDeleted(id: string, db?: Db): Promise<Take | null> {
  const [take] = await (await conn(db)).select().from(takes).where(eq(takes.id, id)).limit(1)
  return take ?? null
}

/** The take a share link's token opens, while it is shared (null once revoked or deleted). */
export async function getTakeByShareToken(token: string, db?: Db): Promise<Take | null> {
  const [take] = await (await conn(db))
    .select()
    .from(takes)
    .where(and(eq(takes.shareToken, token), isNull(takes.deletedAt)))
    .limit(1)
  return take ?? null
}

/** Deleted or not (a webhook settles a deleted take that was running). */
export async function getTakeByRequestId(falRequestId: string, db?: Db): Promise<Take | null> {
  const [take] = await (await conn(db)).select().from(takes).where(eq(takes.falRequestId, falRequestId)).limit(1)
  return take ?? null
}

/** Applies `patch`; the updated take, or null when there is no such take. */
export async function updateTake(id: string, patch: TakePatch, db?: Db): Promise<Take | null> {
  const [take] = await (await conn(db))
    .update(takes)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(takes.id, id))
    .returning()
  return take ?? null
}

/**
 * What the follower heard of an unfinished take: the patch, and log lines added at the end of its
 * logs (never rewritten). Null when the take has ended meanwhile (a webhook settled it) or is gone.
 */
export async function advanceTake(id: string, patch: TakePatch, newLogs: readonly TakeLogEntry[], db?: Db): Promise<Take | null> {
  const entries = newLogs.map(({ message, level, timestamp }) => ({ message, level, timestamp }))
  const [take] = await (await conn(db))
    .update(takes)
    .set({
      ...patch,
      ...(entries.length ? { logs: sql`${takes.logs} || ${JSON.stringify(entries)}::jsonb` } : {}),
      updatedAt: sql`now()`,
    })
    .where(and(eq(takes.id, id), inArray(takes.status, [...UNFINISHED_STATUSES])))
    .returning()
  return take ?? null
}

/** Escapes LIKE's wildcards so the search matches the text as typed. */
function likeContaining(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`
}

function encodeCursor(take: Pick<Take, 'createdAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([take.createdAt.toISOString(), take.id])).toString('base64url')
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw new InvalidCursorError()
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw new InvalidCursorError()
  const [createdAt, id] = parsed as unknown[]
  if (typeof createdAt !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(createdAt))) throw new InvalidCursorError()
  return { createdAt, id }
}

/**
 * Takes newest first (ties broken by id), a page at a time. Keyset pagination: a page starts
 * right after the previous page's last take, so takes added meanwhile cause no repeats or gaps.
 */
export async function listTakes(options: ListTakesOptions = {}, db?: Db): Promise<TakePage> {
  const limit = Math.min(MAX_LIST_LIMIT, Math.max(1, Math.floor(options.limit ?? DEFAULT_LIST_LIMIT)))
  const conditions: SQL[] = [isNull(takes.deletedAt)]
  if (options.endpointId !== undefined) conditions.push(eq(takes.endpointId, options.endpointId))
  if (typeof options.status === 'string') conditions.push(eq(takes.status, options.status))
  else if (options.status) conditions.push(inArray(takes.status, [...options.status]))
  const search = options.search?.trim()
  if (search) {
    const pattern = likeContaining(search)
    // Each side is served by its own trigram index (takes_prompt_trgm_idx, takes_output_prompt_trgm_idx).
    conditions.push(sql`(${ilike(promptOf, pattern)} or ${ilike(usedPromptOf, pattern)})`)
  }
  if (options.chain !== undefined) conditions.push(inChainOf(options.chain))
  if (options.cursor) {
    const after = decodeCursor(options.cursor)
    // One row comparison, which the (… created_at desc, id desc) indexes serve directly.
    conditions.push(sql`(${takes.createdAt}, ${takes.id}) < (${after.createdAt}::timestamptz, ${after.id})`)
  }
  const rows = await (await conn(db))
    .select()
    .from(takes)
    .where(and(...conditions))
    .orderBy(desc(takes.createdAt), desc(takes.id))
    .limit(limit + 1)
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return { takes: page, nextCursor: rows.length > limit && last ? encodeCursor(last) : null }
}

/**
 * Deletes a take for its owner: gone from every page and its link dead, yet kept as a row so the
 * day's spend still counts it and a running take is still followed to its bill. False when there
 * was no such take (or it was deleted already).
 */
export async function deleteTake(id: string, db?: Db): Promise<boolean> {
  const rows = await (await conn(db))
    .update(takes)
    .set({ deletedAt: sql`now()`, shareToken: null, updatedAt: sql`now()` })
    .where(and(eq(takes.id, id), isNull(takes.deletedAt)))
    .returning({ id: takes.id })
  return rows.length > 0
}

/** Removes the record of a take whose submit fal refused: nothing ran, nothing was spent. */
export async function purgeUnsubmittedTake(id: string, db?: Db): Promise<void> {
  await (await conn(db)).delete(takes).where(and(eq(takes.id, id), isNull(takes.falRequestId)))
}

/** A share link's secret: 128 random bits, base64url. */
function newShareToken(): string {
  return randomBytes(16).toString('base64url')
}

/**
 * Shares a take (keeping its link if it has one) or revokes its link. A take shared again after a
 * revoke gets a new token, so old links stay dead. Null when there is no such take.
 */
export async function setShare(id: string, enabled: boolean, db?: Db): Promise<Take | null> {
  const [take] = await (await conn(db))
    .update(takes)
    .set({ shareToken: enabled ? sql`coalesce(${takes.shareToken}, ${newShareToken()})` : null, updatedAt: sql`now()` })
    .where(and(eq(takes.id, id), isNull(takes.deletedAt)))
    .returning()
  return take ?? null
}

/**
 * Leases up to `limit` unfinished takes (IN_QUEUE or IN_PROGRESS) that nobody holds, or whose
 * lease ran out, to `owner` for `leaseMs`; oldest first. One statement that skips rows another
 * claimer has locked, so processes sharing one PostgreSQL database get disjoint sets.
 */
export async function claimUnfinishedTakes(owner: string, leaseMs: number, limit: number, db?: Db): Promise<Take[]> {
  if (limit < 1) return []
  const database = await conn(db)
  const claimable = database
    .select({ id: takes.id })
    .from(takes)
    .where(
      and(
        inArray(takes.status, [...UNFINISHED_STATUSES]),
        or(isNull(takes.leaseExpiresAt), lte(takes.leaseExpiresAt, sql`now()`)),
        // A take a webhook is settling is left to it (following it would only reopen its stream each tick).
        or(isNull(takes.settlingUntil), lte(takes.settlingUntil, sql`now()`)),
      ),
    )
    .orderBy(asc(takes.createdAt), asc(takes.id))
    .limit(Math.floor(limit))
    .for('update', { skipLocked: true })
  return database
    .update(takes)
    .set({ leaseOwner: owner, leaseExpiresAt: nowPlus(leaseMs) })
    .where(inArray(takes.id, claimable))
    .returning()
}

/** Extends `owner`'s leases on `ids` by `leaseMs` from now; the ids it still held (and renewed). */
export async function renewLease(owner: string, ids: readonly string[], leaseMs: number, db?: Db): Promise<string[]> {
  if (ids.length === 0) return []
  const rows = await (await conn(db))
    .update(takes)
    .set({ leaseExpiresAt: nowPlus(leaseMs) })
    .where(and(eq(takes.leaseOwner, owner), inArray(takes.id, [...ids])))
    .returning({ id: takes.id })
  return rows.map((row) => row.id)
}

/** Gives up `owner`'s leases on `ids`, or on all its takes when `ids` is omitted; the ids released. */
export async function releaseLease(owner: string, ids?: readonly string[], db?: Db): Promise<string[]> {
  if (ids && ids.length === 0) return []
  const rows = await (await conn(db))
    .update(takes)
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(takes.leaseOwner, owner), ids ? inArray(takes.id, [...ids]) : undefined))
    .returning({ id: takes.id })
  return rows.map((row) => row.id)
}

/**
 * Applies `patch` only while the take is unfinished (IN_QUEUE or IN_PROGRESS), and drops its
 * lease: the one write that ends a take. The follower and a webhook may both try; null for the
 * one that comes second (or when there is no such take).
 */
/**
 * A take whose end may still be recorded: one not ended, or one that ended because fal no longer
 * held its result (lib/takes/result-expired) — a webhook bringing that result completes it.
 */
function settleable(): SQL | undefined {
  return or(inArray(takes.status, [...UNFINISHED_STATUSES]), and(eq(takes.status, 'FAILED'), sql`${takes.error}->>'errorType' = ${RESULT_EXPIRED}`))
}

export async function finishTake(id: string, patch: TakePatch, db?: Db): Promise<Take | null> {
  const [take] = await (await conn(db))
    .update(takes)
    .set({ ...patch, leaseOwner: null, leaseExpiresAt: null, settlingUntil: null, followMode: null, updatedAt: sql`now()` })
    .where(and(eq(takes.id, id), settleable()))
    .returning()
  return take ?? null
}

// ── Presets ──────────────────────────────────────────────────────────────────────────────────────

export type { Preset }

/** A preset name the endpoint already has (names are unique per endpoint). */
export class DuplicatePresetNameError extends Error {
  constructor(readonly presetName: string) {
    super(`A preset named “${presetName}” already exists for this endpoint.`)
    this.name = 'DuplicatePresetNameError'
  }
}

export interface CreatePresetInput {
  endpointId: string
  /** 1–80 characters once trimmed (lib/presets/preset-input checks it; the table refuses others). */
  name: string
  values: Payload
}

async function uniqueName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicatePresetNameError(name)
    throw error
  }
}

/** An endpoint's presets, by name. */
export async function listPresets(endpointId: string, db?: Db): Promise<Preset[]> {
  return (await conn(db)).select().from(presets).where(eq(presets.endpointId, endpointId)).orderBy(asc(presets.name), asc(presets.id))
}

export async function getPreset(id: string, db?: Db): Promise<Preset | null> {
  const [preset] = await (await conn(db)).select().from(presets).where(eq(presets.id, id)).limit(1)
  return preset ?? null
}

/** Stores a new preset; DuplicatePresetNameError when the endpoint already has one of that name. */
export async function createPreset(values: CreatePresetInput, db?: Db): Promise<Preset> {
  const database = await conn(db)
  const name = values.name.trim()
  const [preset] = await uniqueName(name, () =>
    database.insert(presets).values({ endpointId: values.endpointId, name, values: values.values }).returning(),
  )
  if (!preset) throw new Error('The preset was not stored.')
  return preset
}

/** The renamed preset, null when there is no such preset; DuplicatePresetNameError as `createPreset`. */
export async function renamePreset(id: string, name: string, db?: Db): Promise<Preset | null> {
  const database = await conn(db)
  const trimmed = name.trim()
  const [preset] = await uniqueName(trimmed, () =>
    database.update(presets).set({ name: trimmed, updatedAt: sql`now()` }).where(eq(presets.id, id)).returning(),
  )
  return preset ?? null
}

/** False when there was no such preset. */
export async function deletePreset(id: string, db?: Db): Promise<boolean> {
  const rows = await (await conn(db)).delete(presets).where(eq(presets.id, id)).returning({ id: presets.id })
  return rows.length > 0
}

/**
 * Claims the right to settle an unfinished take for `ms`: the one process that gets it fetches and
 * copies the output, so a webhook and the follower never both download it. Null when the take has
 * ended or another claim is live.
 */
export async function claimSettle(id: string, ms: number, db?: Db): Promise<Take | null> {
  const [take] = await (await conn(db))
    .update(takes)
    .set({ settlingUntil: nowPlus(ms) })
    .where(
      and(
        eq(takes.id, id),
        settleable(),
        or(isNull(takes.settlingUntil), lte(takes.settlingUntil, sql`now()`)),
      ),
    )
    .returning()
  return take ?? null
}

/** Gives up a settle claim that could not finish (the take's end is fetched again later). */
export async function releaseSettle(id: string, db?: Db): Promise<void> {
  await (await conn(db)).update(takes).set({ settlingUntil: null }).where(eq(takes.id, id))
}

// ── Spend ────────────────────────────────────────────────────────────────────────────────────────

/**
 * What takes created since `since` cost or may cost: the billed amount of finished takes, plus the
 * estimate of takes still running (their bill is not known yet). Deleted takes count: spending is a ledger.
 */
export async function spentSince(since: Date, db?: Db): Promise<number> {
  const [row] = await (await conn(db))
    .select({
      total: sql<string | number | null>`coalesce(sum(coalesce(${takes.billedUsd}, case when ${takes.status} in ('IN_QUEUE', 'IN_PROGRESS') then ${takes.estimateUsd} else 0 end)), 0)`,
    })
    .from(takes)
    .where(sql`${takes.createdAt} >= ${since.toISOString()}::timestamptz`)
  return Number(row?.total ?? 0)
}
