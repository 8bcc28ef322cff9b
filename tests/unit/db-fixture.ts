import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll } from 'vitest'
import { closeDb, openDb, type Db, type DbConfig, type OpenDb } from '@/lib/db/client'

// The databases the database tests run on: a fresh PGlite always, and a schema of its own on
// TEST_DATABASE_URL's PostgreSQL when that is set (npm run test:all sets it).

export const SLOW = 60_000
const tempDirs: string[] = []

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'takes-db-'))
  tempDirs.push(dir)
  return dir
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

export interface Backend {
  name: string
  /** A fresh, empty database. */
  config: () => Promise<DbConfig>
  /** Whether a second connection (as another process would have) can share the database. */
  shared: boolean
}

export const testDatabaseUrl = process.env.TEST_DATABASE_URL

/** Runs one statement on TEST_DATABASE_URL, outside the code under test. */
export async function onTestDatabase(statement: string): Promise<void> {
  const { Client } = await import('pg')
  const client = new Client({ connectionString: testDatabaseUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

export async function dropSchemaOf(config: DbConfig): Promise<void> {
  if (config.kind === 'postgres' && config.schema) await onTestDatabase(`drop schema if exists "${config.schema}" cascade`)
}

let trigrams: Promise<void> | undefined

export const backends: Backend[] = [{ name: 'PGlite', shared: false, config: async () => ({ kind: 'pglite', dataDir: path.join(await tempDir(), 'db') }) }]
if (testDatabaseUrl) {
  backends.push({
    name: 'PostgreSQL',
    shared: true,
    // A schema of its own per run: the test database may hold other runs' (or other things') tables.
    config: async () => {
      // The first migration would create pg_trgm in the first schema on the path, i.e. one of these
      // per-run schemas, where the others would not see it: make it once, in public.
      trigrams ??= onTestDatabase('create extension if not exists pg_trgm schema public')
      await trigrams
      return { kind: 'postgres', url: testDatabaseUrl, schema: `takes_test_${randomBytes(6).toString('hex')}` }
    },
  })
}

/** Opens a fresh database of `backend` for the enclosing describe block, and drops it after. */
export function useTestDb(backend: Backend): { db: () => Db; config: () => DbConfig } {
  let config: DbConfig | undefined
  let open: OpenDb | undefined
  beforeAll(async () => {
    config = await backend.config()
    open = await openDb(config)
  }, SLOW)
  afterAll(async () => {
    await open?.close()
    if (config) await dropSchemaOf(config)
  }, SLOW)
  return {
    db: () => {
      if (!open) throw new Error('The test database is not open yet')
      return open.db
    },
    config: () => {
      if (!config) throw new Error('The test database is not open yet')
      return config
    },
  }
}

/** An endpoint id of its own per test, so each test lists only its own rows. */
export const uniqueEndpoint = (label: string) => `fal-ai/test/${label}-${randomBytes(4).toString('hex')}`

/**
 * Points the process's own database (`getDb()`, which server code uses) at a fresh PGlite for the
 * enclosing describe block, and restores the settings after.
 */
export function useProcessDb() {
  const saved = { TAKES_DB_DIR: process.env.TAKES_DB_DIR, DATABASE_URL: process.env.DATABASE_URL }
  beforeAll(async () => {
    process.env.TAKES_DB_DIR = path.join(await tempDir(), 'db')
    delete process.env.DATABASE_URL
  })
  afterAll(async () => {
    await closeDb()
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })
}
