import 'server-only'
import { z } from 'zod'
import { catalog as defaultCatalog, type Catalog, type Endpoint } from '@/lib/endpoints'
import { compiledEndpoint } from '@/lib/endpoints/compiled'
import type { CompiledSchema, Payload } from '@/lib/schema'
import { mediaUrlProblems } from '@/lib/schema/media-urls'
import {
  DEFAULT_SWEEP_CONCURRENCY,
  MAX_AXIS_VALUES,
  MAX_SWEEP_AXES,
  MAX_SWEEP_CONCURRENCY,
  MAX_SWEEP_TAKES,
  EXPANSION_FIELD,
  SEED_FIELD,
  sweepableFields,
  sweepInputs,
  sweepSize,
  type SweepAxis,
} from './sweep-plan'
import { randomSeed } from './random-seed'
import { isExactInteger, type ExactInteger } from '@/lib/json/exact-integer'
import type { SweepProblem } from './sweep-view'

/** The largest body `POST /api/sweeps` reads (the base input may carry a data URI). */
export const SWEEP_BODY_MAX_BYTES = 8 * 1024 * 1024

/** A sweep (or batch) the server may run: every cell's input is valid for the endpoint. */
export interface CheckedSweep {
  kind: 'sweep' | 'batch'
  endpoint: Endpoint
  compiled: CompiledSchema
  /** The base input (with prompt expansion pinned off when asked). */
  input: Payload
  /** A sweep's axes; [] for a batch. */
  axes: SweepAxis[]
  /** A batch's rows (each take's own values); null for a sweep. */
  rows: Payload[] | null
  /** The shared seed (or the first of the varied ones), an exact integer; null when the endpoint has none. */
  seed: ExactInteger | null
  varySeed: boolean
  concurrency: number
  /** Every cell's input, in cell order. */
  inputs: Payload[]
}

export type SweepCheck = { ok: true; sweep: CheckedSweep } | { ok: false; status: 400 | 404; problem: SweepProblem }

export const refuse = (status: 400 | 404, detail: string, field?: string): Extract<SweepCheck, { ok: false }> => ({ ok: false, status, problem: field ? { detail, field } : { detail } })

const sweepValue = z.union([z.number(), z.string(), z.boolean()])
const sweepBody = z.object({
  endpointId: z.string({ error: 'endpointId must be text' }),
  input: z.record(z.string(), z.unknown(), { error: 'input must be an object of field values' }),
  axes: z
    .array(z.object({ field: z.string().min(1), values: z.array(sweepValue).min(1, { error: 'Each swept field needs at least one value' }).max(MAX_AXIS_VALUES, { error: `At most ${MAX_AXIS_VALUES} values per field` }) }))
    .min(1, { error: 'Pick a field to sweep' })
    .max(MAX_SWEEP_AXES, { error: `At most ${MAX_SWEEP_AXES} fields can be swept at once` }),
  concurrency: z.number().int().min(1).max(MAX_SWEEP_CONCURRENCY, { error: `At most ${MAX_SWEEP_CONCURRENCY} at a time` }).default(DEFAULT_SWEEP_CONCURRENCY),
  varySeed: z.boolean().default(false),
  pinExpansionOff: z.boolean().default(false),
})

function firstIssue(error: z.ZodError): { message: string; path: PropertyKey[] } {
  const issue = error.issues[0]
  return { message: issue?.message ?? 'Invalid input', path: issue?.path ?? [] }
}

/** Where in the axes an axis problem lies ("axes" or the setting's name), for the panel to show it. */
function axesProblem(axes: SweepAxis[], compiled: CompiledSchema): SweepCheck | null {
  const sweepable = new Map(sweepableFields(compiled.fields).map((field) => [field.name, field]))
  const seen = new Set<string>()
  for (const axis of axes) {
    if (!sweepable.has(axis.field)) return refuse(400, `${axis.field} cannot be swept: only number, choice and on/off fields can`, 'axes')
    if (seen.has(axis.field)) return refuse(400, `${axis.field} is swept twice`, 'axes')
    seen.add(axis.field)
    const repeated = axis.values.find((value, at) => axis.values.indexOf(value) !== at)
    if (repeated !== undefined) return refuse(400, `${axis.field} has the value ${String(repeated)} twice`, 'axes')
  }
  if (sweepSize(axes) > MAX_SWEEP_TAKES) return refuse(400, `A sweep makes at most ${MAX_SWEEP_TAKES} takes; this one would make ${sweepSize(axes)}`, 'axes')
  return null
}

/** The base every cell starts from, checked: the endpoint, the media URLs, the seed, expansion pinned off when asked. */
export type BaseCheck =
  | { ok: true; endpoint: Endpoint; compiled: CompiledSchema; input: Payload; seed: ExactInteger | null }
  | Extract<SweepCheck, { ok: false }>

export function checkSweepBase(endpointId: string, given: Payload, pinExpansionOff: boolean, catalog: Catalog): BaseCheck {
  const found = compiledEndpoint(endpointId, catalog)
  if (!found) return refuse(404, `No such endpoint: ${endpointId}`, 'endpointId')
  const { endpoint, compiled } = found
  const [badMedia] = mediaUrlProblems(compiled.fields, given)
  if (badMedia) return refuse(400, badMedia.message, badMedia.field)
  const seedField = compiled.fields.find((field) => field.name === SEED_FIELD)
  const givenSeed = given[SEED_FIELD]
  if (seedField && givenSeed !== undefined && !isExactInteger(givenSeed)) return refuse(400, `${seedField.label} must be a whole number`, SEED_FIELD)
  const seed = !seedField ? null : isExactInteger(givenSeed) ? givenSeed : randomSeed()
  const pin = pinExpansionOff && compiled.fields.some((field) => field.name === EXPANSION_FIELD)
  return { ok: true, endpoint, compiled, input: pin ? { ...given, [EXPANSION_FIELD]: false } : given, seed }
}

/** The first cell whose input the endpoint's validator refuses, described by `where` (e.g. "Take 2 (steps = 8)"). */
export function firstInvalidCell(compiled: CompiledSchema, inputs: readonly Payload[], where: (index: number, cell: Payload) => string): SweepCheck | null {
  for (const [index, cell] of inputs.entries()) {
    const result = compiled.validator.safeParse(cell)
    if (result.success) continue
    const { message, path } = firstIssue(result.error)
    const field = typeof path[0] === 'string' ? path[0] : undefined
    const at = path.length ? `${path.map(String).join('.')}: ` : ''
    return refuse(400, `${where(index, cell)} is not valid — ${at}${message}`, field)
  }
  return null
}

/** A body's first zod problem as a refusal, named on the body's key it is about. */
export function bodyRefusal(error: z.ZodError, body: unknown): SweepCheck {
  const { message, path } = firstIssue(error)
  const field = typeof path[0] === 'string' && path[0] !== 'endpointId' ? path[0] : undefined
  return refuse(400, typeof body === 'object' && body !== null ? message : 'The body must be a JSON object', field)
}

/**
 * Checks a sweep request before anything is recorded or submitted: the endpoint, the axes, and
 * every cell's input against the endpoint's own validator (so a sweep is refused whole, not
 * half-run). The seed is the input's, or one picked now and shared by every cell.
 */
export function checkSweepRequest(body: unknown, catalog: Catalog = defaultCatalog): SweepCheck {
  const parsed = sweepBody.safeParse(body)
  if (!parsed.success) return bodyRefusal(parsed.error, body)
  const { endpointId, axes, concurrency, varySeed, pinExpansionOff } = parsed.data
  const base = checkSweepBase(endpointId, parsed.data.input as Payload, pinExpansionOff, catalog)
  if (!base.ok) return base
  const { endpoint, compiled, input, seed } = base
  const problem = axesProblem(axes, compiled)
  if (problem) return problem
  const inputs = sweepInputs(input, axes, seed, varySeed)
  const invalid = firstInvalidCell(compiled, inputs, (index, cell) => `Take ${index + 1} (${axes.map((axis) => `${axis.field} = ${String(cell[axis.field])}`).join(', ')})`)
  if (invalid) return invalid
  return { ok: true, sweep: { kind: 'sweep', endpoint, compiled, input, axes, rows: null, seed, varySeed, concurrency, inputs } }
}
