import 'server-only'
import { eq, sql } from 'drizzle-orm'
import type { Db } from './client'
import { conn } from './query-helpers'
import { studioSecrets } from './schema'

/** The row naming where the process that runs the local simulator on this database serves it. */
const SIMULATOR_URL = 'local-fal-url'

/** Records where this database's simulator answers (its holder calls this once it holds it). */
export async function recordSimulatorUrl(url: string, db?: Db): Promise<void> {
  await (await conn(db))
    .insert(studioSecrets)
    .values({ name: SIMULATOR_URL, value: url })
    .onConflictDoUpdate({ target: studioSecrets.name, set: { value: url, createdAt: sql`now()` } })
}

/** Where this database's simulator answers, as its holder last recorded; null before any did. */
export async function recordedSimulatorUrl(db?: Db): Promise<string | null> {
  const [row] = await (await conn(db)).select({ value: studioSecrets.value }).from(studioSecrets).where(eq(studioSecrets.name, SIMULATOR_URL)).limit(1)
  return row?.value ?? null
}
