import { afterAll, beforeAll } from 'vitest'
import { closeDb, getDb, openDb, type DbConfig, type OpenDb } from '@/lib/db/client'
import { closeChangeFeed } from '@/lib/events/change-feed'
import { dropSchemaOf, SLOW, type Backend } from '../db-fixture'

// The process's own database (`getDb()`, which the take service and the follower use) on either
// backend: a fresh PGlite, or a schema of its own on TEST_DATABASE_URL's PostgreSQL. The environment
// cannot name a schema, so the opened database is put where `getDb()` keeps it (lib/db/client.ts).

const DB_KEY = Symbol.for('takes.db')
export function useProcessDbOn(backend: Backend): { config: () => DbConfig } {
  let config: DbConfig | undefined
  beforeAll(async () => {
    await closeChangeFeed()
    await closeDb()
    config = await backend.config()
    ;(globalThis as { [DB_KEY]?: Promise<OpenDb> })[DB_KEY] = openDb(config)
    await getDb()
  }, SLOW)
  afterAll(async () => {
    await closeChangeFeed()
    await closeDb()
    if (config) await dropSchemaOf(config)
  }, SLOW)
  return {
    config: () => {
      if (!config) throw new Error('The process database is not open yet')
      return config
    },
  }
}

/** Waits until `check` returns something truthy (polling it), or fails with `what` after `timeoutMs` (a bound for a loaded machine, not a pace). */
export async function until<T>(what: string, check: () => Promise<T> | T, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  let last: T | undefined
  while (Date.now() < deadline) {
    last = await check()
    if (last) return last as NonNullable<T>
    await new Promise((resolve) => setTimeout(resolve, 15))
  }
  throw new Error(`Timed out waiting for ${what} (last: ${JSON.stringify(last)})`)
}
