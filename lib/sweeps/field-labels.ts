import 'server-only'
import { catalog } from '@/lib/endpoints'
import { describeFields } from '@/lib/schema'
import type { SweepView } from './sweep-view'

/** Human labels of the fields a sweep's axes or a batch's rows set, from the endpoint's schema; the field's name where the endpoint left the catalog. */
export function fieldLabelsOf(sweep: Pick<SweepView, 'endpointId' | 'axes' | 'cells'>): Record<string, string> {
  const endpoint = catalog.find(sweep.endpointId)
  const fields = endpoint ? describeFields(endpoint.input) : []
  const names = new Set([...sweep.axes.map((axis) => axis.field), ...sweep.cells.flatMap((cell) => Object.keys(cell.values))])
  return Object.fromEntries([...names].map((name) => [name, fields.find((field) => field.name === name)?.label ?? name]))
}
