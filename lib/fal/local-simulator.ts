import path from 'node:path'
import { settingsOf, type Env } from '@/lib/settings'

/**
 * What the studio and its local simulator (lib/local-fal) both know about the simulator: where it is
 * mounted, the headers they exchange, and where its files live. The studio talks to the simulator
 * over HTTP as it talks to fal, and imports nothing else of it.
 */

/** Where the local simulator is mounted in the studio. */
export const LOCAL_FAL_ROUTE = '/api/local-fal'
/** Where the simulator serves uploaded inputs and rendered outputs. */
export const FILES_ROUTE = `${LOCAL_FAL_ROUTE}/files`
/** Set by the studio's proxy: the origin the browser reached the studio on, for file URLs. */
export const ORIGIN_HEADER = 'x-fal-takes-origin'
/** The public keys webhooks are signed with, as fal publishes its own (`/api/local-fal/.well-known/jwks.json`). */
export const JWKS_PATH = '/.well-known/jwks.json'

/** The simulator's data directory: `local-fal/` inside the studio's data directory. */
export function simulatorDataDir(env: Env = process.env): string {
  return path.resolve(settingsOf(env).dataDir, 'local-fal')
}

/** Where the simulator keeps its files, inside its data directory. */
export function simulatorFilesDir(dataDir: string): string {
  return path.join(dataDir, 'files')
}

/** The bytes of the stored file `id` (a complete one; the file may not exist). */
export function storedFilePath(filesDir: string, id: string): string {
  return path.join(filesDir, `${id}.bin`)
}

/** The id of a stored file, if `url` points at the simulator's file route (on any host). */
export function fileIdOf(url: string): string | undefined {
  try {
    const match = new RegExp(`^${FILES_ROUTE}/([a-f0-9-]{36})(/|$)`).exec(new URL(url).pathname)
    return match?.[1]
  } catch {
    return undefined
  }
}
