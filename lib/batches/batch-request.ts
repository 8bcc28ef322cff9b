import 'server-only'
import { z } from 'zod'
import { catalog as defaultCatalog, type Catalog } from '@/lib/endpoints'
import type { Payload } from '@/lib/schema'
import { DEFAULT_SWEEP_CONCURRENCY, MAX_SWEEP_CONCURRENCY, sweepInputs } from '@/lib/sweeps/sweep-plan'
import { bodyRefusal, checkSweepBase, firstInvalidCell, refuse, type SweepCheck } from '@/lib/sweeps/sweep-request'
import { batchFields, MAX_BATCH_ROWS, rowProblemText, rowValueProblem } from './batch-rows'

const cellValue = z.union([z.string(), z.number(), z.boolean()])
const batchBody = z.object({
  endpointId: z.string({ error: 'endpointId must be text' }),
  input: z.record(z.string(), z.unknown(), { error: 'input must be an object of field values' }),
  rows: z
    .array(z.object({ line: z.number().int().min(1), values: z.record(z.string(), cellValue) }))
    .min(1, { error: 'A batch needs at least one row' })
    .max(MAX_BATCH_ROWS, { error: `A batch runs at most ${MAX_BATCH_ROWS} takes` }),
  concurrency: z.number().int().min(1).max(MAX_SWEEP_CONCURRENCY, { error: `At most ${MAX_SWEEP_CONCURRENCY} at a time` }).default(DEFAULT_SWEEP_CONCURRENCY),
  varySeed: z.boolean().default(false),
  pinExpansionOff: z.boolean().default(false),
})

/**
 * Checks a batch before anything is recorded or submitted: the endpoint, the base input, then each
 * row (only fields a row may set) and each take's whole input through the endpoint's validator. A
 * bad row refuses the whole batch, named by its line and field.
 */
export function checkBatchRequest(body: unknown, catalog: Catalog = defaultCatalog): SweepCheck {
  const parsed = batchBody.safeParse(body)
  if (!parsed.success) return bodyRefusal(parsed.error, body)
  const { endpointId, rows, concurrency, varySeed, pinExpansionOff } = parsed.data
  const base = checkSweepBase(endpointId, parsed.data.input as Payload, pinExpansionOff, catalog)
  if (!base.ok) return base
  const { endpoint, compiled, input, seed } = base
  const settable = batchFields(compiled.fields)
  for (const row of rows) {
    const problem = rowValueProblem(settable, row.values)
    if (problem) return refuse(400, rowProblemText({ line: row.line, ...problem }), problem.field)
  }
  const values: Payload[] = rows.map((row) => row.values)
  const inputs = sweepInputs(input, { axes: [], rows: values }, seed, varySeed)
  const invalid = firstInvalidCell(compiled, inputs, (index) => `Line ${rows[index]!.line}`)
  if (invalid) return invalid
  return { ok: true, sweep: { kind: 'batch', endpoint, compiled, input, axes: [], rows: values, seed, varySeed, concurrency, inputs } }
}
