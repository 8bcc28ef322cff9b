import { compileSchema, type CompiledSchema } from '@/lib/schema'
import { catalog as defaultCatalog, type Catalog, type Endpoint } from './index'

const compiledById = new Map<string, CompiledSchema>()

/** An endpoint of the catalog with its compiled input schema, or null when the catalog has no such endpoint. */
export function compiledEndpoint(endpointId: string, catalog: Catalog = defaultCatalog): { endpoint: Endpoint; compiled: CompiledSchema } | null {
  const endpoint = catalog.find(endpointId)
  if (!endpoint) return null
  // Compiled once per endpoint of the studio's catalog; another catalog (tests) compiles each time.
  if (catalog !== defaultCatalog) return { endpoint, compiled: compileSchema(endpoint.input) }
  let compiled = compiledById.get(endpoint.id)
  if (!compiled) compiledById.set(endpoint.id, (compiled = compileSchema(endpoint.input)))
  return { endpoint, compiled }
}
