import 'server-only'
import { AsyncLocalStorage } from 'node:async_hooks'
import { createFalClient, type FalClient } from '@fal-ai/client'
import { parseBillableUnits } from '@/lib/pricing/billed'
import { backendMode, falAuthorization, localBackendBase } from './backend'
import { localSimulatorAuthorization } from './local-simulator-key'
import { QUEUE_HOST } from './targets'
import { exactJsonFetch } from './exact-fetch'

/** The header of fal's result answer that states the units fal bills the request for. */
export const BILLABLE_UNITS_HEADER = 'x-fal-billable-units'

/** What fal's answer to the result call in progress said beyond its body. */
interface ResultHeard {
  billableUnits: number | null
}

const resultHeard = new AsyncLocalStorage<ResultHeard>()

/**
 * Notes what a fal answer says for the result call it answers (`falResult`); nothing outside one.
 * The server client's fetch calls it for every answer; a fake client calls it to answer as fal does.
 */
export function noteFalAnswer(headers: Headers): void {
  const heard = resultHeard.getStore()
  if (heard) heard.billableUnits = parseBillableUnits(headers.get(BILLABLE_UNITS_HEADER))
}

function answerNotingFetch(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init)
    noteFalAnswer(response.headers)
    return response
  }
}

/** fal's answer to a result call: the output (or what the call threw), and the units fal bills the request for when it said. */
export type FalResult = ({ ok: true; data: unknown } | { ok: false; error: unknown }) & { billableUnits: number | null }

/**
 * `client.queue.result`, with fal's `x-fal-billable-units`. The client's result call keeps only the
 * body and the request id (its own response handler replaces any configured one), so the server
 * client's fetch notes each answer's header into this call's async context; the answer that ends
 * the call (after the client's own retries) is the one that counts, for an error answer too.
 */
export async function falResult(client: FalClient, endpointId: string, options: { requestId: string; abortSignal?: AbortSignal }): Promise<FalResult> {
  const heard: ResultHeard = { billableUnits: null }
  return resultHeard.run(heard, async () => {
    try {
      const result = await client.queue.result(endpointId, options)
      return { ok: true, data: result.data, billableUnits: heard.billableUnits }
    } catch (error) {
      return { ok: false, error, billableUnits: heard.billableUnits }
    }
  })
}

/**
 * The server's own fal client, for submitting and following takes: the real key against fal, or the
 * same calls rewritten to this studio's local backend. Integers stay exact both ways (`exact-fetch.ts`):
 * give `queue.submit` the input as `falInputOf(input, endpoint.input)`. Read results with `falResult`.
 */
export function serverFalClient(env: NodeJS.ProcessEnv = process.env): FalClient {
  const fetch = answerNotingFetch(exactJsonFetch())
  if (backendMode(env) === 'fal') {
    const key = falAuthorization(env)?.replace(/^Key /, '')
    return createFalClient({ credentials: key, fetch })
  }
  const local = localBackendBase(env)
  return createFalClient({
    fetch,
    requestMiddleware: async (request) => {
      const url = new URL(request.url)
      if (url.host !== QUEUE_HOST) return request
      return { ...request, url: `${local}/queue${url.pathname}${url.search}`, headers: { ...request.headers, authorization: await localSimulatorAuthorization() } }
    },
  })
}
