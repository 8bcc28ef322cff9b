import 'server-only'
import { settingsOf, type Env } from '@/lib/settings'

export type BackendMode = 'fal' | 'local'

/** fal when a key is set, unless TAKES_BACKEND=local says otherwise; the local simulator otherwise. */
export function backendMode(env: Env = process.env): BackendMode {
  if (settingsOf(env).backend === 'local') return 'local'
  return falAuthorization(env) ? 'fal' : 'local'
}

/** The Authorization value for fal. Read here only, on the server; never sent to a browser. */
export function falAuthorization(env: Env = process.env): string | undefined {
  const { falKey, falKeyId, falKeySecret } = settingsOf(env)
  if (falKey) return `Key ${falKey}`
  if (falKeyId && falKeySecret) return `Key ${falKeyId}:${falKeySecret}`
  return undefined
}

/**
 * Whether this process runs the local simulator: in local mode, unless TAKES_LOCAL_FAL_URL points
 * at another studio's (several studios on one database share one simulator).
 */
export function runsLocalSimulator(env: Env = process.env): boolean {
  return backendMode(env) === 'local' && !settingsOf(env).localFalUrl
}

/** Where this server's own local backend listens, for the proxy to reach it over HTTP. */
export function localBackendBase(env: Env = process.env): string {
  const { localFalUrl, port } = settingsOf(env)
  return localFalUrl ?? `http://127.0.0.1:${port}/api/local-fal`
}
