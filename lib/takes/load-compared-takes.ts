import 'server-only'
import { getTake } from '@/lib/db/queries'
import { catalog } from '@/lib/endpoints'
import { describeFields, type FieldDescriptor } from '@/lib/schema'
import { differingParameters, type DifferingParameter } from '@/lib/takes/compare'
import { takeViewOf, type TakeView } from '@/lib/takes/take-view'

/** The takes behind `ids`, in that order, and the ids no take has. */
export async function loadComparedTakes(ids: string[]): Promise<{ takes: TakeView[]; missing: string[] }> {
  const found = await Promise.all(ids.map((id) => getTake(id)))
  return {
    takes: found.flatMap((take) => (take ? [takeViewOf(take)] : [])),
    missing: ids.filter((_, index) => !found[index]),
  }
}

const fieldsByEndpoint = new Map<string, FieldDescriptor[]>()

/** An endpoint's input fields (described once per process), or undefined when it left the catalog. */
function fieldsOf(endpointId: string): FieldDescriptor[] | undefined {
  const cached = fieldsByEndpoint.get(endpointId)
  if (cached) return cached
  const endpoint = catalog.find(endpointId)
  if (!endpoint) return undefined
  const fields = describeFields(endpoint.input)
  fieldsByEndpoint.set(endpointId, fields)
  return fields
}

/** The parameters that differ between the takes, against their endpoints' schemas. */
export function differingParametersOf(takes: TakeView[]): DifferingParameter[] {
  return differingParameters(takes, fieldsOf)
}
