import 'server-only'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { settingsOf, type Env } from '@/lib/settings'
import * as schema from './schema'

/**
 * The database every query takes: Drizzle's common PostgreSQL base, which both the embedded
 * PGlite driver and node-postgres extend. Use the query builder (not `execute`, whose raw result
 * shape differs between the two drivers).
 */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>

export type DbConfig =
  /** Embedded PostgreSQL (WASM) keeping its files in `dataDir`; one process per directory. */
  | { kind: 'pglite'; dataDir: string }
  /**
   * A PostgreSQL server. `schema` (for tests) puts the tables and the migration journal in that
   * schema instead of `public` and `drizzle`, creating it if need be.
   */
  | { kind: 'postgres'; url: string; schema?: string; maxConnections?: number }

export interface OpenDb {
  db: Db
  config: DbConfig
  close(): Promise<void>
  /**
   * Hears `NOTIFY channel` from any session of this database. `onGap` is called after the listening
   * connection was lost and made again: notifications sent meanwhile were missed.
   */
  listen(channel: string, onMessage: (payload: string) => void, onGap: () => void): Promise<() => Promise<void>>
}

/** The migrations `npm run db:generate` writes; the same files serve PGlite and PostgreSQL. */
export const MIGRATIONS_DIR = path.join(process.cwd(), 'lib', 'db', 'migrations')

/** Any session-level advisory lock key will do, as long as every Takes process uses the same one. */
const MIGRATION_LOCK_KEY = 727_165_005

/** PostgreSQL when DATABASE_URL is a postgres:// URL; otherwise PGlite under TAKES_DB_DIR or <TAKES_DATA_DIR>/db. */
export function dbConfigFromEnv(env: Env = process.env): DbConfig {
  const { databaseUrl, dbDir, dataDir: studioDataDir } = settingsOf(env)
  if (databaseUrl) return { kind: 'postgres', url: databaseUrl }
  const dataDir = dbDir ?? path.join(studioDataDir, 'db')
  // The database's files are data, not code: the build's file tracing must not follow this path.
  return { kind: 'pglite', dataDir: path.resolve(/* turbopackIgnore: true */ dataDir) }
}

/** Opens a database and brings its schema up to date. Most code wants `getDb()` instead. */
export async function openDb(config: DbConfig): Promise<OpenDb> {
  return config.kind === 'pglite' ? openPglite(config) : openPostgres(config)
}

async function openPglite(config: Extract<DbConfig, { kind: 'pglite' }>): Promise<OpenDb> {
  // Loaded only when used: PGlite is a large WASM module that a PostgreSQL set-up never needs.
  const [{ PGlite }, { pg_trgm }, { drizzle }, { migrate }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ])
  mkdirSync(config.dataDir, { recursive: true })
  const client = new PGlite(config.dataDir, { extensions: { pg_trgm } })
  try {
    const db = drizzle({ client, schema })
    await migrate(db, { migrationsFolder: MIGRATIONS_DIR })
    const listen: OpenDb['listen'] = (channel, onMessage) => client.listen(channel, onMessage)
    return { db, config, close: () => client.close(), listen }
  } catch (error) {
    await client.close().catch(() => {})
    throw error
  }
}

async function openPostgres(config: Extract<DbConfig, { kind: 'postgres' }>): Promise<OpenDb> {
  const [{ Pool, Client }, { drizzle }, { migrate }] = await Promise.all([
    import('pg'),
    import('drizzle-orm/node-postgres'),
    import('drizzle-orm/node-postgres/migrator'),
  ])
  const quoted = config.schema && `"${config.schema.replace(/"/g, '""')}"`
  const pool = new Pool({
    connectionString: config.url,
    max: config.maxConnections ?? 10,
    // public stays on the path for the pg_trgm operator classes.
    ...(quoted ? { options: `-c search_path=${quoted},public` } : {}),
  })
  // An idle connection that breaks (e.g. the server restarts) must not take the process down.
  pool.on('error', (error) => console.error('[db] idle PostgreSQL connection failed:', error.message))
  try {
    const db = drizzle({ client: pool, schema })
    // Several servers may start at once on one database: one migrates while the others wait.
    const lock = await pool.connect()
    try {
      await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
      if (quoted) await db.execute(sql.raw(`create schema if not exists ${quoted}`))
      await migrate(db, { migrationsFolder: MIGRATIONS_DIR, ...(config.schema ? { migrationsSchema: config.schema } : {}) })
    } finally {
      await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {})
      lock.release()
    }
    const listen: OpenDb['listen'] = (channel, onMessage, onGap) => listenOnPostgres(Client, config, channel, onMessage, onGap)
    return { db, config, close: () => pool.end(), listen }
  } catch (error) {
    await pool.end().catch(() => {})
    throw error
  }
}

/** The longest wait between attempts to listen again after the connection was lost. */
const RELISTEN_MAX_MS = 5000

/** A connection of its own (LISTEN holds it), made again with back-off whenever it is lost. */
async function listenOnPostgres(
  ClientClass: typeof import('pg').Client,
  config: Extract<DbConfig, { kind: 'postgres' }>,
  channel: string,
  onMessage: (payload: string) => void,
  onGap: () => void,
): Promise<() => Promise<void>> {
  let client: import('pg').Client | null = null
  let stopped = false
  let attempt = 0
  const quoted = `"${channel.replace(/"/g, '""')}"`
  const connect = async (): Promise<void> => {
    const next = new ClientClass({ connectionString: config.url })
    next.on('notification', (message) => {
      if (message.channel === channel) onMessage(message.payload ?? '')
    })
    const lost = () => {
      if (client !== next || stopped) return
      client = null
      next.removeAllListeners('error')
      void next.end().catch(() => {})
      setTimeout(() => void reconnect(), Math.min(RELISTEN_MAX_MS, 100 * 2 ** attempt++))
    }
    next.on('error', (error) => {
      console.error('[db] the change feed lost its PostgreSQL connection:', error.message)
      lost()
    })
    next.on('end', lost)
    await next.connect()
    await next.query(`LISTEN ${quoted}`)
    client = next
    attempt = 0
  }
  const reconnect = async () => {
    if (stopped) return
    try {
      await connect()
      onGap()
    } catch {
      setTimeout(() => void reconnect(), Math.min(RELISTEN_MAX_MS, 100 * 2 ** attempt++))
    }
  }
  await connect()
  return async () => {
    stopped = true
    const last = client
    client = null
    await last?.end().catch(() => {})
  }
}

// On globalThis: Next may load this module more than once (per route bundle, on reload in dev),
// and a PGlite directory must be opened by one instance only.
const KEY = Symbol.for('takes.db')
type Holder = { [KEY]?: Promise<OpenDb> }

/** This process's database, opened and migrated on first use (from the environment). */
export async function getDb(): Promise<Db> {
  const holder = globalThis as Holder
  if (!holder[KEY]) {
    const opening = openDb(dbConfigFromEnv())
    holder[KEY] = opening
    // A failed open (e.g. PostgreSQL not up yet) is not remembered: the next call tries again.
    opening.catch(() => {
      if (holder[KEY] === opening) delete holder[KEY]
    })
  }
  return (await holder[KEY]).db
}

/** This process's database, as opened (for what the query builder does not do, such as LISTEN). */
export async function getOpenDb(): Promise<OpenDb> {
  await getDb()
  return (await (globalThis as Holder)[KEY])!
}

/** Closes this process's database, if open; the next `getDb()` opens it again. */
export async function closeDb(): Promise<void> {
  const holder = globalThis as Holder
  const opening = holder[KEY]
  delete holder[KEY]
  if (opening) await (await opening.catch(() => null))?.close()
}
