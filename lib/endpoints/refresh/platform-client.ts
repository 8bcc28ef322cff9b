import { sleep } from '@/lib/async/sleep'
import { parseExactJson } from '@/lib/json/exact-json'
import type { PriceBook } from '@/lib/pricing/rules'
import { publishedPriceSchema } from './data-schemas'

/**
 * The two calls of fal's platform API (https://api.fal.ai/v1, OpenAPI at
 * https://fal.ai/docs/api-reference/platform-apis/openapi/v1.json) that keep the catalog current:
 *
 * - `GET /models?endpoint_id=<id>&expand=openapi-3.0` → `{ models: [{ endpoint_id, metadata?, openapi? }],
 *   next_cursor, has_more }`; `metadata.status` is `active` or `deprecated`, and is absent for an
 *   endpoint without a registry entry; `openapi` is the document, or `{ error: { code, message } }`
 *   when fal could not expand it.
 * - `GET /models/pricing?endpoint_id=a,b` (1–50 ids) → `{ prices: [{ endpoint_id, unit_price, unit,
 *   currency }], next_cursor, has_more }`.
 *
 * Both take `Authorization: Key <FAL_KEY>`; errors are `{ error: { type, message } }` (400, 401, 404, 429, 500).
 */

/** The platform API's base, as fal serves it. */
export const FAL_PLATFORM_API = 'https://api.fal.ai/v1'

export interface PlatformOptions {
  fetch: typeof fetch
  /** `https://api.fal.ai/v1`, or the double's `…/api/local-fal/platform/v1` in tests. */
  baseUrl: string
  /** `Key <FAL_KEY>`. */
  authorization: string
  /** Waits before retrying a 429 or 5xx answer; one retry per entry. */
  retryDelaysMs?: readonly number[]
}

/** A JSON document read twice: exactly (integers beyond the safe range as their digits) and as `JSON.parse` reads it. */
export interface ReadDocument {
  exact: unknown
  plain: unknown
}

export type ModelLookup =
  | { listed: false }
  | { listed: true; status: 'active' | 'deprecated'; document: ReadDocument | { error: string } }

export class PlatformError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message)
  }
}

const DEFAULT_RETRY_DELAYS_MS = [1_000, 4_000]
const RETRYABLE = new Set([429, 500, 502, 503, 504])
/** fal answers at most 50 endpoint ids per pricing call. */
const PRICING_BATCH = 50

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** fal's error message from `{ error: { type, message } }`, else the start of the body. */
function errorMessageOf(status: number, text: string): string {
  try {
    const body: unknown = JSON.parse(text)
    const error = isRecord(body) ? body.error : undefined
    if (isRecord(error) && typeof error.message === 'string') return `${status} ${typeof error.type === 'string' ? `${error.type}: ` : ''}${error.message}`
    if (isRecord(body) && typeof body.detail === 'string') return `${status} ${body.detail}`
  } catch {
    // not JSON: the text itself
  }
  return `${status} ${text.slice(0, 200)}`.trim()
}

/** GETs `path` with the key; retries 429 and 5xx answers. Resolves with the answer's status and text. */
async function get(options: PlatformOptions, path: string, query: URLSearchParams): Promise<{ status: number; text: string }> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${path}?${query.toString()}`
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
  for (let attempt = 0; ; attempt += 1) {
    let response: Response
    try {
      response = await options.fetch(url, { headers: { authorization: options.authorization, accept: 'application/json' } })
    } catch (error) {
      throw new PlatformError(`${path}: ${error instanceof Error ? error.message : String(error)}`)
    }
    const text = await response.text()
    const delay = delays[attempt]
    if (!RETRYABLE.has(response.status) || delay === undefined) return { status: response.status, text }
    const retryAfterS = Number(response.headers.get('retry-after'))
    await sleep(Number.isFinite(retryAfterS) && retryAfterS > 0 ? Math.min(retryAfterS * 1000, 30_000) : delay)
  }
}

function parseBody(path: string, text: string): { exact: unknown; plain: unknown } {
  try {
    return { exact: parseExactJson(text), plain: JSON.parse(text) as unknown }
  } catch {
    throw new PlatformError(`${path}: the answer is not JSON`)
  }
}

/** A page's `next_cursor` when `has_more` says there is another page. */
function nextCursorOf(page: Record<string, unknown>): string | null {
  return page.has_more === true && typeof page.next_cursor === 'string' && page.next_cursor !== '' ? page.next_cursor : null
}

/** The entries of every page of a list answer under `key` (`models`, `prices`), each read exactly and plainly. */
async function allPages(options: PlatformOptions, path: string, query: URLSearchParams, key: string): Promise<{ exact: unknown; plain: unknown }[] | 'not_found'> {
  const items: { exact: unknown; plain: unknown }[] = []
  const seenCursors = new Set<string>()
  for (let cursor: string | null = null; ; ) {
    const pageQuery = new URLSearchParams(query)
    if (cursor) pageQuery.set('cursor', cursor)
    const { status, text } = await get(options, path, pageQuery)
    if (status === 404) return 'not_found'
    if (status < 200 || status > 299) throw new PlatformError(`${path}: ${errorMessageOf(status, text)}`, status)
    const { exact, plain } = parseBody(path, text)
    const exactList = isRecord(exact) ? exact[key] : undefined
    const plainList = isRecord(plain) ? plain[key] : undefined
    if (!isRecord(plain) || !Array.isArray(exactList) || !Array.isArray(plainList)) throw new PlatformError(`${path}: the answer has no ${key} list`)
    exactList.forEach((item, index) => items.push({ exact: item, plain: plainList[index] }))
    cursor = nextCursorOf(plain)
    if (cursor === null) return items
    if (seenCursors.has(cursor)) throw new PlatformError(`${path}: the cursor ${cursor} came back twice`)
    seenCursors.add(cursor)
  }
}

/**
 * What fal lists for one endpoint, with its OpenAPI document. An endpoint fal does not list — absent
 * from the answer, listed without registry metadata, or answered 404 — is `{ listed: false }`.
 */
export async function lookUpModel(options: PlatformOptions, endpointId: string): Promise<ModelLookup> {
  const query = new URLSearchParams({ endpoint_id: endpointId, expand: 'openapi-3.0' })
  const models = await allPages(options, '/models', query, 'models')
  if (models === 'not_found') return { listed: false }
  const model = models.find((item) => isRecord(item.plain) && item.plain.endpoint_id === endpointId)
  if (!model || !isRecord(model.plain) || !isRecord(model.exact)) return { listed: false }
  const metadata = model.plain.metadata
  if (!isRecord(metadata)) return { listed: false }
  const status = metadata.status === 'deprecated' ? 'deprecated' : 'active'
  const openapi = model.plain.openapi
  if (!isRecord(openapi)) return { listed: true, status, document: { error: 'fal sent no OpenAPI document' } }
  if (isRecord(openapi.error)) {
    const error = openapi.error
    return { listed: true, status, document: { error: `fal could not give its OpenAPI document: ${String(error.message ?? error.code ?? 'unknown error')}` } }
  }
  return { listed: true, status, document: { exact: model.exact.openapi, plain: openapi } }
}

/**
 * fal's published prices for these endpoints. An endpoint whose price fal does not publish is absent
 * from the result. Asks 50 ids at a time (comma-separated); when fal answers 404 for a batch, asks
 * each id of it alone, so one unknown id hides no other's price.
 */
export async function lookUpPrices(options: PlatformOptions, endpointIds: readonly string[]): Promise<PriceBook> {
  const prices: Record<string, ReturnType<typeof publishedPriceSchema.parse>> = {}
  const ask = async (ids: readonly string[]): Promise<'not_found' | void> => {
    const answer = await allPages(options, '/models/pricing', new URLSearchParams({ endpoint_id: ids.join(',') }), 'prices')
    if (answer === 'not_found') return 'not_found'
    for (const { plain } of answer) {
      if (!isRecord(plain) || typeof plain.endpoint_id !== 'string' || !ids.includes(plain.endpoint_id)) continue
      const parsed = publishedPriceSchema.safeParse(plain)
      if (!parsed.success) throw new PlatformError(`/models/pricing: the price of ${plain.endpoint_id} is not { unit_price, unit, currency }`)
      prices[plain.endpoint_id] = parsed.data
    }
  }
  for (let start = 0; start < endpointIds.length; start += PRICING_BATCH) {
    const batch = endpointIds.slice(start, start + PRICING_BATCH)
    if ((await ask(batch)) === 'not_found' && batch.length > 1) {
      for (const id of batch) await ask([id])
    }
  }
  return prices
}
