import 'server-only'
import { and, asc, desc, eq, isNull, lte, sql } from 'drizzle-orm'
import { OFFICIAL_LORAS, type OfficialLora } from '@/lib/loras/official-loras'
import type { Db } from './client'
import { conn, isUniqueViolation } from './query-helpers'
import { loras, takes, type Lora, type NewLora, type TakeStatus } from './schema'

// The LoRA library. Every function takes the database last, optionally: the process's own by default.

export type { Lora }

/** A URL the library already holds (URLs are unique: one entry per weights file). */
export class DuplicateLoraUrlError extends Error {
  constructor(readonly url: string) {
    super('The library already has a LoRA at this URL.')
    this.name = 'DuplicateLoraUrlError'
  }
}

export type NewOwnLora = Pick<NewLora, 'name' | 'url' | 'base' | 'kind' | 'recommendedScale' | 'triggerWords' | 'note'>

const seeded = new WeakMap<Db, Promise<void>>()

/**
 * Writes the official LoRAs (upsert on URL, `official`), so that a change to their data reaches stored
 * rows. A LoRA the user added under the same URL stays theirs, as they entered it.
 */
export async function upsertOfficialLoras(entries: readonly OfficialLora[] = OFFICIAL_LORAS, db?: Db): Promise<void> {
  if (entries.length === 0) return
  const rows = entries.map(({ source: _source, ...entry }) => ({ ...entry, official: true }))
  await (await conn(db))
    .insert(loras)
    .values(rows)
    .onConflictDoUpdate({
      target: loras.url,
      set: {
        name: sql`excluded.name`,
        base: sql`excluded.base`,
        kind: sql`excluded.kind`,
        recommendedScale: sql`excluded.recommended_scale`,
        triggerWords: sql`excluded.trigger_words`,
        note: sql`excluded.note`,
      },
      setWhere: sql`${loras.official}`,
    })
}

/** Seeds the official LoRAs once per process and database, the first time the library is read. */
async function ensureOfficialLoras(db?: Db): Promise<Db> {
  const database = await conn(db)
  let seeding = seeded.get(database)
  if (!seeding) {
    seeding = upsertOfficialLoras(OFFICIAL_LORAS, database)
    seeded.set(database, seeding)
    // A failed seed is tried again by the next read.
    seeding.catch(() => seeded.delete(database))
  }
  await seeding
  return database
}

/** Every LoRA: official ones first, then by name. */
export async function listLoras(db?: Db): Promise<Lora[]> {
  const database = await ensureOfficialLoras(db)
  return database.select().from(loras).orderBy(desc(loras.official), asc(loras.name), asc(loras.id))
}

export async function getLora(id: string, db?: Db): Promise<Lora | null> {
  const database = await ensureOfficialLoras(db)
  const [lora] = await database.select().from(loras).where(eq(loras.id, id)).limit(1)
  return lora ?? null
}

/** Stores the user's own LoRA; DuplicateLoraUrlError when its URL is already in the library. */
export async function createLora(values: NewOwnLora, db?: Db): Promise<Lora> {
  const database = await ensureOfficialLoras(db)
  try {
    const [lora] = await database
      .insert(loras)
      .values({ ...values, name: values.name.trim(), official: false })
      .returning()
    if (!lora) throw new Error('The LoRA was not stored.')
    return lora
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicateLoraUrlError(values.url)
    throw error
  }
}

/** Deletes one of the user's own LoRAs: `deleted`, `official` (refused, nothing changes) or `missing`. */
export async function deleteOwnLora(id: string, db?: Db): Promise<'deleted' | 'official' | 'missing'> {
  const database = await ensureOfficialLoras(db)
  const [deleted] = await database
    .delete(loras)
    .where(and(eq(loras.id, id), eq(loras.official, false)))
    .returning({ id: loras.id })
  if (deleted) return 'deleted'
  const [kept] = await database.select({ id: loras.id }).from(loras).where(eq(loras.id, id)).limit(1)
  return kept ? 'official' : 'missing'
}

/** A take that used a LoRA, as the library shows it. */
export interface LoraTakeRef {
  id: string
  status: TakeStatus
  posterKey: string | null
  createdAt: Date
}

export interface LoraUsage {
  /** Takes (not deleted) whose input's `loras[].path` is the LoRA's URL. */
  count: number
  /** The newest of them, newest first. */
  recent: LoraTakeRef[]
}

/** Usage of every LoRA that has been used, by LoRA id; a LoRA absent from the map was never used. */
export async function loraUsage(recent = 3, db?: Db): Promise<Map<string, LoraUsage>> {
  const database = await conn(db)
  const uses = sql`${takes.input} -> 'loras' @> jsonb_build_array(jsonb_build_object('path', ${loras.url}))`
  const matches = database
    .select({
      loraId: sql<string>`${loras.id}`.as('lora_id'),
      takeId: sql<string>`${takes.id}`.as('take_id'),
      status: takes.status,
      posterKey: takes.posterKey,
      createdAt: takes.createdAt,
      uses: sql<number>`count(*) over (partition by ${loras.id})`.mapWith(Number).as('uses'),
      rank: sql<number>`row_number() over (partition by ${loras.id} order by ${takes.createdAt} desc, ${takes.id} desc)`.mapWith(Number).as('rank'),
    })
    .from(loras)
    .innerJoin(takes, and(isNull(takes.deletedAt), uses))
    .as('matches')
  const rows = await database.select().from(matches).where(lte(matches.rank, recent)).orderBy(asc(matches.loraId), asc(matches.rank))
  const usage = new Map<string, LoraUsage>()
  for (const row of rows) {
    const entry = usage.get(row.loraId) ?? { count: row.uses, recent: [] }
    entry.recent.push({ id: row.takeId, status: row.status, posterKey: row.posterKey, createdAt: row.createdAt })
    usage.set(row.loraId, entry)
  }
  return usage
}
