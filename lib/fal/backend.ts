import 'server-only'

export type BackendMode = 'fal' | 'local'

/** fal when a key is set, unless TAKES_BACKEND=local says otherwise; the local simulator otherwise. */
export function backendMode(env: NodeJS.ProcessEnv = process.env): BackendMode {
  if (env.TAKES_BACKEND === 'local') return 'local'
  return env.FAL_KEY || (env.FAL_KEY_ID && env.FAL_KEY_SECRET) ? 'fal' : 'local'
}

/** The Authorization value for fal. Read here only, on the server; never sent to a browser. */
export function falAuthorization(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.FAL_KEY) return `Key ${env.FAL_KEY}`
  if (env.FAL_KEY_ID && env.FAL_KEY_SECRET) return `Key ${env.FAL_KEY_ID}:${env.FAL_KEY_SECRET}`
  return undefined
}

/** Where this server's own local backend listens, for the proxy to reach it over HTTP. */
export function localBackendBase(env: NodeJS.ProcessEnv = process.env): string {
  return env.TAKES_LOCAL_FAL_URL ?? `http://127.0.0.1:${env.PORT ?? '3000'}/api/local-fal`
}
