import { z } from 'zod'
import { sameText } from '@/lib/auth/session-token'
import { CATALOG_ENTRIES, type CatalogEntry } from '@/lib/endpoints'
import { PRICES } from '@/lib/endpoints/prices'
import { publishedPriceSchema } from '@/lib/endpoints/refresh/data-schemas'
import { jsonResponse } from '@/lib/fal/errors'
import { localSimulatorKey } from '@/lib/fal/local-simulator-key'
import type { PublishedPrice } from '@/lib/pricing/rules'
import type { JsonSchema } from '@/lib/schema'

/**
 * The double of fal's platform API (https://api.fal.ai/v1) as far as Takes uses it, mounted at
 * `/api/local-fal/platform`: `GET /v1/models` (find mode by `endpoint_id`, list mode without, `status`
 * filter, `expand=openapi-3.0`, cursor pages) and `GET /v1/models/pricing?endpoint_id=a,b`, in fal's
 * response and error shapes (fal's OpenAPI: https://fal.ai/docs/api-reference/platform-apis/openapi/v1.json).
 * It serves the studio's own committed catalog — its OpenAPI documents and prices.json — and tests
 * change what it serves through `applyPlatformControl` (the simulator's `_control` route, `platform` key).
 */

/** What tests have changed in what the double serves; empty: the committed catalog as it is. */
export interface PlatformOverrides {
  /** Input fields patched into an endpoint's document: a field's schema merged over its own (a new field is added), null removes it. */
  inputFields: Record<string, Record<string, JsonSchema | null>>
  /** Whole documents served instead of the committed ones, by endpoint id. */
  documents: Record<string, Record<string, unknown>>
  /** Prices served instead of prices.json's; null: fal publishes none for that endpoint. */
  prices: Record<string, PublishedPrice | null>
  /** Endpoints fal no longer lists: absent from list mode and pricing, found without metadata. */
  unlisted: string[]
  /** Endpoints fal lists with `status: "deprecated"`. */
  deprecated: string[]
  /** Entries per page, whatever `limit` asks (so tests see cursors); null: `limit`, else all. */
  pageSize: number | null
}

const jsonObject = z.record(z.string(), z.unknown())

/** The `platform` part of a control body. Records merge into what is set; lists and `pageSize` replace; `reset` first clears everything. */
export const platformControlSchema = z
  .object({
    reset: z.boolean(),
    inputFields: z.record(z.string(), z.record(z.string(), jsonObject.nullable())),
    documents: z.record(z.string(), jsonObject),
    prices: z.record(z.string(), publishedPriceSchema.nullable()),
    unlisted: z.array(z.string()),
    deprecated: z.array(z.string()),
    pageSize: z.number().int().positive().nullable(),
  })
  .partial()
  .strict()

export type PlatformControl = z.input<typeof platformControlSchema>

const NO_OVERRIDES: PlatformOverrides = { inputFields: {}, documents: {}, prices: {}, unlisted: [], deprecated: [], pageSize: null }

const KEY = Symbol.for('takes.local-fal.platform-overrides')
type Holder = { [KEY]?: PlatformOverrides }

/** What the double serves differently from the committed catalog (one state per process, as the simulator's faults). */
export function platformOverrides(): PlatformOverrides {
  return (globalThis as Holder)[KEY] ?? NO_OVERRIDES
}

/** Applies a control body's `platform` part; refuses (and changes nothing) when it is not one. */
export function applyPlatformControl(body: unknown): { ok: true; overrides: PlatformOverrides } | { ok: false; detail: string } {
  const parsed = platformControlSchema.safeParse(body)
  if (!parsed.success) return { ok: false, detail: `platform: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ')}` }
  const change = parsed.data
  const current = change.reset ? NO_OVERRIDES : platformOverrides()
  const inputFields = { ...current.inputFields }
  for (const [endpointId, fields] of Object.entries(change.inputFields ?? {})) {
    inputFields[endpointId] = { ...inputFields[endpointId], ...(fields as Record<string, JsonSchema | null>) }
  }
  const overrides: PlatformOverrides = {
    inputFields,
    documents: { ...current.documents, ...change.documents },
    prices: { ...current.prices, ...change.prices },
    unlisted: change.unlisted ?? current.unlisted,
    deprecated: change.deprecated ?? current.deprecated,
    pageSize: change.pageSize !== undefined ? change.pageSize : current.pageSize,
  }
  ;(globalThis as Holder)[KEY] = overrides
  return { ok: true, overrides }
}

/** Back to the committed catalog. */
export function resetPlatformApi(): void {
  delete (globalThis as Holder)[KEY]
}

type ErrorType = 'authorization_error' | 'validation_error' | 'not_found'

/** fal's platform error shape: `{ error: { type, message } }`. */
function platformError(status: number, type: ErrorType, message: string): Response {
  return jsonResponse({ error: { type, message } }, { status })
}

const MAX_IDS = 50
const LIST_PAGE = 50
/** The fixed dates the double's metadata carries. */
const CATALOG_DATE = '2026-01-01T00:00:00Z'

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The object schema of the endpoint's input in `document` (following the request body's `$ref`), to patch in place. */
function inputSchemaIn(document: Record<string, unknown>, endpointId: string): JsonSchema | undefined {
  const paths = document.paths
  const operation = isRecord(paths) ? paths[`/${endpointId}`] : undefined
  const post = isRecord(operation) ? operation.post : undefined
  const body = isRecord(post) && isRecord(post.requestBody) ? post.requestBody.content : undefined
  const schema = isRecord(body) && isRecord(body['application/json']) ? body['application/json'].schema : undefined
  if (!isRecord(schema)) return undefined
  const name = typeof schema.$ref === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1] : undefined
  if (name === undefined) return schema as JsonSchema
  const components = document.components
  const schemas = isRecord(components) ? components.schemas : undefined
  const target = isRecord(schemas) ? schemas[name] : undefined
  return isRecord(target) ? (target as JsonSchema) : undefined
}

function patchedInput(document: Record<string, unknown>, endpointId: string, fields: Record<string, JsonSchema | null>): Record<string, unknown> {
  const copy = structuredClone(document)
  const input = inputSchemaIn(copy, endpointId)
  if (!input) return copy
  const properties = (input.properties ??= {})
  for (const [name, patch] of Object.entries(fields)) {
    const order = input['x-fal-order-properties']
    if (patch === null) {
      delete properties[name]
      if (input.required) input.required = input.required.filter((required) => required !== name)
      if (order) input['x-fal-order-properties'] = order.filter((field) => field !== name)
      continue
    }
    const existing = properties[name]
    properties[name] = existing ? { ...existing, ...patch } : patch
    if (!existing && order) input['x-fal-order-properties'] = [...order, name]
  }
  return copy
}

/** The OpenAPI document the double serves for an endpoint: the committed one, or a test's, with a test's field patches. */
function documentOf(entry: CatalogEntry, overrides: PlatformOverrides): Record<string, unknown> {
  const document = overrides.documents[entry.id] ?? (entry.openapi as Record<string, unknown>)
  const fields = overrides.inputFields[entry.id]
  return fields ? patchedInput(document, entry.id, fields) : document
}

function metadataOf(entry: CatalogEntry, overrides: PlatformOverrides) {
  return {
    display_name: entry.title,
    category: entry.category,
    description: entry.description,
    status: overrides.deprecated.includes(entry.id) ? 'deprecated' : 'active',
    tags: [],
    updated_at: CATALOG_DATE,
    is_favorited: null,
    thumbnail_url: `https://fal.media/files/takes/${encodeURIComponent(entry.id)}.webp`,
    model_url: `https://fal.run/${entry.id}`,
    date: CATALOG_DATE,
    highlighted: false,
    pinned: false,
    kind: 'inference',
  }
}

/** The page `cursor` asks for, 0-based: fal's cursors encode the page number (base64 of "2" for the second). */
function pageOf(cursor: string | null): number | null {
  if (cursor === null) return 0
  const page = Number(Buffer.from(cursor, 'base64').toString('utf8'))
  return Number.isInteger(page) && page >= 1 ? page - 1 : null
}

/** One page of `items` with fal's `next_cursor` and `has_more`; null for a cursor fal would refuse. */
function paged<T>(items: T[], url: URL, overrides: PlatformOverrides, fallbackSize: number) {
  const limit = Number(url.searchParams.get('limit'))
  const size = overrides.pageSize ?? (Number.isInteger(limit) && limit >= 1 ? limit : fallbackSize)
  const page = pageOf(url.searchParams.get('cursor'))
  if (page === null) return null
  const start = page * size
  const hasMore = start + size < items.length
  return { items: items.slice(start, start + size), next_cursor: hasMore ? Buffer.from(String(page + 2)).toString('base64') : null, has_more: hasMore }
}

/** The ids asked for: repeated `endpoint_id`s, and (where fal takes them) comma-separated ones. */
function endpointIdsOf(url: URL, commaSeparated: boolean): string[] {
  const given = url.searchParams.getAll('endpoint_id')
  const ids = commaSeparated ? given.flatMap((value) => value.split(',')) : given
  return ids.map((id) => id.trim()).filter((id) => id !== '')
}

function listModels(url: URL, overrides: PlatformOverrides): Response {
  const ids = endpointIdsOf(url, false)
  if (ids.length > MAX_IDS) return platformError(400, 'validation_error', `At most ${MAX_IDS} endpoint ids`)
  const expand = url.searchParams.getAll('expand').flatMap((value) => value.split(','))
  const withOpenApi = expand.includes('openapi-3.0')
  const status = url.searchParams.get('status')
  if (status !== null && status !== 'active' && status !== 'deprecated') return platformError(400, 'validation_error', 'status must be active or deprecated')
  const listed = CATALOG_ENTRIES.filter((entry) => !overrides.unlisted.includes(entry.id))
  const found =
    ids.length > 0
      ? ids.map((id) => listed.find((entry) => entry.id === id) ?? id)
      : listed
  const models = found
    .map((entry) => {
      // An endpoint without a registry entry comes back as its id alone.
      if (typeof entry === 'string') return { endpoint_id: entry }
      const model: Record<string, unknown> = { endpoint_id: entry.id, metadata: metadataOf(entry, overrides) }
      if (withOpenApi) model.openapi = documentOf(entry, overrides)
      return model
    })
    .filter((model) => status === null || (isRecord(model.metadata) && model.metadata.status === status))
  const page = paged(models, url, overrides, ids.length > 0 ? MAX_IDS : LIST_PAGE)
  if (!page) return platformError(400, 'validation_error', 'Invalid cursor')
  return jsonResponse({ models: page.items, next_cursor: page.next_cursor, has_more: page.has_more })
}

function listPrices(url: URL, overrides: PlatformOverrides): Response {
  const ids = endpointIdsOf(url, true)
  if (ids.length === 0) return platformError(400, 'validation_error', 'endpoint_id is required')
  if (ids.length > MAX_IDS) return platformError(400, 'validation_error', `At most ${MAX_IDS} endpoint ids`)
  const book: Record<string, PublishedPrice | null> = { ...PRICES, ...overrides.prices }
  const prices = ids.flatMap((id) => {
    const price = book[id]
    return price && !overrides.unlisted.includes(id) ? [{ endpoint_id: id, unit_price: price.unit_price, unit: price.unit, currency: price.currency }] : []
  })
  const page = paged(prices, url, overrides, MAX_IDS)
  if (!page) return platformError(400, 'validation_error', 'Invalid cursor')
  return jsonResponse({ prices: page.items, next_cursor: page.next_cursor, has_more: page.has_more })
}

export interface PlatformApiOptions {
  /** Whether a key (what follows `Key `) is one the double accepts; by default the simulator's own key. */
  acceptsKey?: (key: string) => boolean | Promise<boolean>
}

async function isSimulatorKey(key: string): Promise<boolean> {
  return sameText(key, await localSimulatorKey())
}

/**
 * Answers a request to fal's platform API; `path` is what follows `/api/local-fal/platform`
 * (`/v1/models`, `/v1/models/pricing`). As fal: pricing needs `Authorization: Key …`; model search
 * takes it optionally, but refuses a wrong one.
 */
export async function handlePlatformApi(request: Request, path: string, options: PlatformApiOptions = {}): Promise<Response> {
  const route = path.replace(/\/+$/, '')
  if (route !== '/v1/models' && route !== '/v1/models/pricing') return platformError(404, 'not_found', 'Resource not found')
  if (request.method.toUpperCase() !== 'GET') return platformError(405, 'validation_error', 'Method not allowed')
  const authorization = request.headers.get('authorization')
  const key = authorization?.startsWith('Key ') ? authorization.slice('Key '.length).trim() : null
  if (authorization === null && route === '/v1/models/pricing') return platformError(401, 'authorization_error', 'Authentication required')
  if (authorization !== null && (!key || !(await (options.acceptsKey ?? isSimulatorKey)(key)))) {
    return platformError(401, 'authorization_error', 'Invalid API key')
  }
  const url = new URL(request.url)
  const overrides = platformOverrides()
  return route === '/v1/models' ? listModels(url, overrides) : listPrices(url, overrides)
}
