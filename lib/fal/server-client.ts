import 'server-only'
import { createFalClient, type FalClient } from '@fal-ai/client'
import { backendMode, falAuthorization, localBackendBase } from './backend'
import { localSimulatorAuthorization } from './local-simulator-key'
import { QUEUE_HOST } from './targets'
import { exactJsonFetch } from './exact-fetch'

/**
 * The server's own fal client, for submitting and following takes: the real key against fal, or the
 * same calls rewritten to this studio's local backend. Integers stay exact both ways (`exact-fetch.ts`):
 * give `queue.submit` the input as `falInputOf(input, endpoint.input)`.
 */
export function serverFalClient(env: NodeJS.ProcessEnv = process.env): FalClient {
  if (backendMode(env) === 'fal') {
    const key = falAuthorization(env)?.replace(/^Key /, '')
    return createFalClient({ credentials: key, fetch: exactJsonFetch() })
  }
  const local = localBackendBase(env)
  return createFalClient({
    fetch: exactJsonFetch(),
    requestMiddleware: async (request) => {
      const url = new URL(request.url)
      if (url.host !== QUEUE_HOST) return request
      return { ...request, url: `${local}/queue${url.pathname}${url.search}`, headers: { ...request.headers, authorization: await localSimulatorAuthorization() } }
    },
  })
}
