import 'server-only'
import { markIntegers, safeJsonText, unmarkIntegers } from '@/lib/json/exact-json'
import type { JsonSchema, Payload } from '@/lib/schema'
import { integerPathsOf } from '@/lib/schema/integer-paths'

/**
 * The fal client serializes with `JSON.stringify` and parses with `response.json()`, so on its own
 * it would round a 64-bit seed both ways. Its `fetch` is wrapped instead: answers are re-read exactly
 * (integers beyond 2^53 reach the client as digit strings, the studio's form for them), and the
 * integer fields `falInputOf` marked leave as raw JSON numbers. A digit string in a text field is not
 * marked (its schema type is not `integer`) and stays text.
 */

/**
 * The input to hand the server's fal client (`queue.submit`): `input` with each integer field beyond
 * the safe range (per the endpoint's input `schema`) marked, so the client's fetch sends it as a raw
 * JSON number. Pure; `input` is not changed. Only for the client's call: never store it.
 */
export function falInputOf(input: Payload, schema: JsonSchema): Payload {
  return markIntegers(input, integerPathsOf(schema)) as Payload
}

/** A JSON answer re-read so that `response.json()` keeps every integer exactly; others as they are. */
async function exactJsonResponse(response: Response): Promise<Response> {
  if (!(response.headers.get('content-type') ?? '').includes('application/json') || response.body === null) return response
  const body = safeJsonText(await response.text())
  const headers = new Headers(response.headers)
  headers.delete('content-length')
  headers.delete('content-encoding')
  return new Response(body, { status: response.status, statusText: response.statusText, headers })
}

/** `fetch` for `createFalClient({ fetch })`: exact integers both ways (see above). */
export function exactJsonFetch(base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const body = typeof init?.body === 'string' ? unmarkIntegers(init.body) : init?.body
    return exactJsonResponse(await base(input, body === init?.body ? init : { ...init, body }))
  }
}
