import 'server-only'
import { randomBytes } from 'node:crypto'
import { studioSecret } from '@/lib/db/session-queries'
import { settingsOf, type Env } from '@/lib/settings'

const KEY = Symbol.for('takes.local-simulator-key')
type Holder = { [KEY]?: Promise<string> }

/**
 * The local simulator's key, which the studio's own calls carry as fal's calls carry FAL_KEY: made
 * once, kept with the data (so every process on one database shares it), never sent to a browser;
 * or TAKES_LOCAL_KEY's.
 */
export function localSimulatorKey(env: Env = process.env): Promise<string> {
  const configured = settingsOf(env).localKey
  if (configured) return Promise.resolve(configured)
  const holder = globalThis as Holder
  if (!holder[KEY]) {
    const reading = studioSecret('local-simulator-key', () => randomBytes(32).toString('base64url'))
    holder[KEY] = reading
    reading.catch(() => {
      if (holder[KEY] === reading) delete holder[KEY]
    })
  }
  return holder[KEY]
}

/** The Authorization value for the local simulator. */
export async function localSimulatorAuthorization(): Promise<string> {
  return `Key ${await localSimulatorKey()}`
}
