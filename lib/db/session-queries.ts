import 'server-only'
import { and, eq, gt, lte, sql } from 'drizzle-orm'
import type { Db } from './client'
import { conn, nowPlus } from './query-helpers'
import { sessions, studioSecrets } from './schema'

/** Records a signed-in session that lasts `ms` (on the database's clock), and forgets the ones that have ended. */
export async function insertSession(id: string, ms: number, db?: Db): Promise<void> {
  const database = await conn(db)
  await database.delete(sessions).where(lte(sessions.expiresAt, sql`now()`))
  await database.insert(sessions).values({ id, expiresAt: nowPlus(ms) })
}

/** Whether the session exists and has not expired. */
export async function isSessionLive(id: string, db?: Db): Promise<boolean> {
  const [row] = await (await conn(db))
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, sql`now()`)))
    .limit(1)
  return row !== undefined
}

export async function deleteSession(id: string, db?: Db): Promise<void> {
  await (await conn(db)).delete(sessions).where(eq(sessions.id, id))
}

/**
 * The studio's secret called `name`, made by `make` the first time any process asks; every process
 * (and every restart) gets the same value, the one stored first.
 */
export async function studioSecret(name: string, make: () => string, db?: Db): Promise<string> {
  const database = await conn(db)
  await database.insert(studioSecrets).values({ name, value: make() }).onConflictDoNothing({ target: studioSecrets.name })
  const [row] = await database.select({ value: studioSecrets.value }).from(studioSecrets).where(eq(studioSecrets.name, name)).limit(1)
  if (!row) throw new Error(`The studio secret ${name} was not stored.`)
  return row.value
}
