import 'server-only'
import type { Client } from 'pg'
import { dbConfigFromEnv } from '@/lib/db/client'
import { DirBusyError, describeHolder, lockDirectory, studioUrl, StudioRefusedError } from '@/lib/db/data-dir-lock'
import { recordedSimulatorUrl, recordSimulatorUrl } from '@/lib/db/simulator-queries'

type Env = Readonly<Record<string, string | undefined>>

// A take is followed by whichever process leases it, and that process asks the simulator that ran
// it: so every studio on one database must use the same simulator. One process runs it; the others
// are started with TAKES_LOCAL_FAL_URL pointing at it (and run none).

/** Any session-level advisory lock key will do, as long as every Takes process uses the same one. */
const SIMULATOR_LOCK_KEY = 727_165_007
const RECLAIM_MS = 5000

// On globalThis: Next may load this module more than once in one process.
const KEY = Symbol.for('takes.simulatorLock')
type Holder = { [KEY]?: Client }

/** Where a process that runs the simulator serves it. */
export function simulatorUrlOf(env: Env = process.env): string {
  return `${studioUrl(env)}/api/local-fal`
}

function refusal(where: string, url: string | null): StudioRefusedError {
  const address = url ?? 'http://<its host>:<its port>/api/local-fal'
  return new StudioRefusedError(
    [
      `Takes cannot start: ${where} already runs the local simulator${url ? ` at ${url}` : ''}.`,
      'Studios that share takes must share one simulator (each asks it about the takes it follows).',
      `Start this one with TAKES_LOCAL_FAL_URL=${address} to use it, or stop that studio first.`,
    ].join('\n'),
  )
}

/**
 * Holds the simulator's advisory lock on a connection of its own, for as long as the process lives:
 * PostgreSQL frees a session's locks when its connection ends, so a studio killed with kill -9 lets
 * the next one start at once. False when another process holds it.
 */
async function holdAdvisoryLock(url: string): Promise<boolean> {
  const { Client: PgClient } = await import('pg')
  const client: Client = new PgClient({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [SIMULATOR_LOCK_KEY])
    if (!rows[0]?.locked) {
      await client.end()
      return false
    }
  } catch (error) {
    await client.end().catch(() => {})
    throw error
  }
  const holder = globalThis as Holder
  holder[KEY] = client
  client.on('error', (error) => console.error('[local-fal] the connection holding the simulator lock failed:', error.message))
  client.once('end', () => {
    if (holder[KEY] !== client) return
    delete holder[KEY]
    console.error('[local-fal] lost the simulator lock on PostgreSQL (connection closed); taking it again')
    void reclaim(url)
  })
  return true
}

async function reclaim(url: string): Promise<void> {
  try {
    if (!(await holdAdvisoryLock(url))) {
      console.error('[local-fal] another studio took the simulator lock meanwhile: two simulators now run on this database; stop one of them')
    }
  } catch {
    setTimeout(() => void reclaim(url), RECLAIM_MS).unref()
  }
}

/** Where the simulator's holder answers; a holder that has just started may not have said yet. */
async function holderUrl(): Promise<string | null> {
  for (let waited = 0; ; waited += 250) {
    const url = await recordedSimulatorUrl()
    if (url || waited >= 5000) return url
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/**
 * Makes this process the one that runs the local simulator: holds the simulator's directory (so
 * no other process on this machine runs one on the same files) and, on PostgreSQL, the database's
 * simulator lock, recording where it serves. A StudioRefusedError saying how to share the running
 * simulator when another process has either.
 */
export async function claimSimulator(simulatorDir: string, env: Env = process.env): Promise<void> {
  const url = simulatorUrlOf(env)
  try {
    await lockDirectory(simulatorDir, { pid: process.pid, url: studioUrl(env) })
  } catch (error) {
    if (!(error instanceof DirBusyError)) throw error
    throw refusal(error.holder ? describeHolder(error.holder) : 'another Takes studio', error.holder?.url ? `${error.holder.url}/api/local-fal` : null)
  }
  const config = dbConfigFromEnv(env)
  if (config.kind !== 'postgres') return
  if (!(await holdAdvisoryLock(config.url))) throw refusal('another Takes studio on this database', await holderUrl())
  // In the background: it waits for the database's migrations, which startup need not.
  void recordSimulatorUrl(url).catch((error: unknown) =>
    console.error('[local-fal] could not record where the simulator answers:', error instanceof Error ? error.message : error),
  )
}

/** Lets another process run the simulator on this database (tests; a process that ends lets go by itself). */
export async function releaseSimulatorClaim(): Promise<void> {
  const holder = globalThis as Holder
  const client = holder[KEY]
  delete holder[KEY]
  await client?.end()
}
