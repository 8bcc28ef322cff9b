import { catalog as defaultCatalog, type Catalog } from '@/lib/endpoints'
import { compiledEndpoint } from '@/lib/endpoints/compiled'
import { continueChoicesOf, type ContinueChoice } from './continue-choices'

/** Every way the catalog's endpoints can continue a finished take, read from their compiled fields. */
export function catalogContinueChoices(catalog: Catalog = defaultCatalog): ContinueChoice[] {
  return continueChoicesOf(
    catalog.endpoints.flatMap((endpoint) => {
      const found = compiledEndpoint(endpoint.id, catalog)
      return found ? [{ id: endpoint.id, title: endpoint.title, fields: found.compiled.fields }] : []
    }),
  )
}

/** The choice for one endpoint's field, or null when that field cannot continue a take. */
export function findContinueChoice(endpointId: string, field: string, catalog: Catalog = defaultCatalog): ContinueChoice | null {
  return catalogContinueChoices(catalog).find((choice) => choice.endpointId === endpointId && choice.field === field) ?? null
}
