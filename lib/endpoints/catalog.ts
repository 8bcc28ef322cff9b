import type { OpenApiDocument } from '@/lib/schema/openapi'
import { inputSchemaOf, outputSchemaOf } from '@/lib/schema/openapi'
import type { JsonSchema, Payload } from '@/lib/schema'
import type { PricingRule, PricingSpec } from '@/lib/pricing/rules'
import type { OutputRule } from '@/lib/generation/output-shape'
import type { LoraBase } from '@/lib/loras/bases'

/** What the studio knows of an endpoint, as data: its fal OpenAPI document, pricing and example. */
export interface CatalogEntry {
  id: string
  title: string
  category: string
  description: string
  openapi: OpenApiDocument
  pricing: PricingRule
  /**
   * How `pricing` is made from fal's published price (prices.json). Entries without one are priced
   * by hand, and `npm run catalog:refresh` leaves their price alone.
   */
  pricingSpec?: PricingSpec
  /** How the endpoint sizes its output video. */
  output: OutputRule
  /** The model generation it runs, for LoRAs trained on one (absent: LoRAs do not apply, or it is not known). */
  modelBase?: LoraBase
  /** The seed's full example input. */
  example: Payload
}

/** A catalog entry with its input and output schemas resolved into self-contained JSON Schemas. */
export interface Endpoint extends Omit<CatalogEntry, 'openapi' | 'output' | 'pricingSpec'> {
  input: JsonSchema
  output: JsonSchema
  outputRule: OutputRule
}

export function resolveEntry(entry: CatalogEntry): Endpoint {
  const { openapi, output, pricingSpec: _pricingSpec, ...rest } = entry
  return {
    ...rest,
    outputRule: output,
    input: inputSchemaOf(openapi, entry.id),
    output: outputSchemaOf(openapi, entry.id),
  }
}

export interface Catalog {
  endpoints: Endpoint[]
  find(id: string): Endpoint | undefined
}

export function createCatalog(entries: CatalogEntry[]): Catalog {
  const endpoints = entries.map(resolveEntry)
  const byId = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]))
  return { endpoints, find: (id) => byId.get(id) }
}

/** Checks the outer shape of a committed OpenAPI file; its schemas are checked by the unit tests. */
export function asOpenApiDocument(json: unknown): OpenApiDocument {
  const doc = json as Partial<OpenApiDocument> | null
  if (
    typeof doc !== 'object' ||
    doc === null ||
    typeof doc.openapi !== 'string' ||
    typeof doc.components?.schemas !== 'object' ||
    typeof doc.paths !== 'object'
  ) {
    throw new Error('Not an OpenAPI 3 document with components.schemas and paths')
  }
  return doc as OpenApiDocument
}

export function asPayload(json: unknown): Payload {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('An example must be an object')
  return json as Payload
}
