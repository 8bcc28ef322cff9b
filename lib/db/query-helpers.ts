import 'server-only'
import { sql, type SQL } from 'drizzle-orm'
import { getDb, type Db } from './client'

/** The given database, or the process's own. */
export const conn = async (db?: Db): Promise<Db> => db ?? getDb()

/** `now() + ms`, on the database's clock, so that every process measures leases alike. */
export const nowPlus = (ms: number): SQL => sql`now() + ${ms}::double precision * interval '1 millisecond'`

/** PostgreSQL's unique_violation, whether the driver's error comes bare or wrapped by Drizzle. */
export function isUniqueViolation(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && typeof cause === 'object' && depth < 4; depth++) {
    if ((cause as { code?: unknown }).code === '23505') return true
    cause = (cause as { cause?: unknown }).cause
  }
  return false
}
