import type { FieldDescriptor, JsonValue, Payload } from '@/lib/schema'
import { exactIntegerFromText, exactIntegerOf, type ExactInteger } from '@/lib/json/exact-integer'

/** A value a sweep can give a field: a number, an enum option or a boolean. */
export type SweepValue = number | string | boolean

/** One swept field and the values it takes, in order. */
export interface SweepAxis {
  field: string
  values: SweepValue[]
}

/** What the playground asks the server to run. */
export interface SweepRequest {
  endpointId: string
  /** The form's payload; each take is this with its cell's values (and the seed) set. */
  input: Payload
  /** One or two axes: rows, then columns. */
  axes: SweepAxis[]
  /** At most this many of the sweep's takes are in fal's queue at once. */
  concurrency: number
  /** Each take gets its own seed instead of one shared seed. */
  varySeed: boolean
  /** Every take gets `enable_prompt_expansion: false` (unless the field is swept). */
  pinExpansionOff?: boolean
}

export const MAX_SWEEP_AXES = 2
export const MAX_AXIS_VALUES = 12
export const MAX_SWEEP_TAKES = 36
export const DEFAULT_SWEEP_CONCURRENCY = 2
export const MAX_SWEEP_CONCURRENCY = 8
/** Above this total estimate (USD) the playground asks before running a sweep. */
export const SWEEP_CONFIRM_USD = 1
export const SEED_FIELD = 'seed'
/** The field four of the five endpoints have: when true, the model rewrites the prompt before it runs. */
export const EXPANSION_FIELD = 'enable_prompt_expansion'
/** Seeds the studio picks: non-negative 32-bit integers, which every LTX-2 endpoint accepts. */
export const SEED_LIMIT = 2 ** 32
/** fal's own seeds are unsigned 64-bit: seeds counted up from one of those wrap here. */
const SEED_LIMIT_64 = BigInt(2) ** BigInt(64)

export type SweepableField = Extract<FieldDescriptor, { kind: 'number' | 'select' | 'switch' }>

/** The fields a sweep can vary: numbers, enums and booleans. */
export function sweepableFields(fields: readonly FieldDescriptor[]): SweepableField[] {
  return fields.filter((field): field is SweepableField => field.kind === 'number' || field.kind === 'select' || field.kind === 'switch')
}

/** How many takes the axes make. */
export function sweepSize(axes: readonly SweepAxis[]): number {
  return axes.reduce((count, axis) => count * axis.values.length, axes.length > 0 ? 1 : 0)
}

/** Row-major: cell `index` takes the first axis's value `floor(index / columns)` and the second's `index % columns`. */
export function cellValues(axes: readonly SweepAxis[], index: number): Record<string, SweepValue> {
  const values: Record<string, SweepValue> = {}
  let rest = index
  for (let at = axes.length - 1; at >= 0; at--) {
    const axis = axes[at]!
    values[axis.field] = axis.values[rest % axis.values.length]!
    rest = Math.floor(rest / axis.values.length)
  }
  return values
}

/** `steps` evenly spaced values from `from` to `to` (both included); integers rounded, repeats dropped. */
export function rangeValues(from: number, to: number, steps: number, integer: boolean): number[] {
  if (!Number.isFinite(from) || !Number.isFinite(to) || !Number.isInteger(steps) || steps < 1) return []
  const values: number[] = []
  for (let step = 0; step < steps; step++) {
    const exact = steps === 1 ? from : from + ((to - from) * step) / (steps - 1)
    const value = integer ? Math.round(exact) : Number(exact.toPrecision(10))
    if (!values.includes(value)) values.push(value)
  }
  return values
}

/** A field's value from its text in a list ("3, 4.5"), or undefined when the text is not one. */
export function parseSweepValue(field: SweepableField, text: string): SweepValue | undefined {
  const trimmed = text.trim()
  if (field.kind === 'switch') return trimmed === 'true' ? true : trimmed === 'false' ? false : undefined
  if (field.kind === 'select') return field.options.find((option) => String(option) === trimmed)
  if (trimmed === '') return undefined
  // An integer keeps every digit (a 64-bit seed); anything else is read as a number for the validator to judge.
  const integer = field.integer ? exactIntegerFromText(trimmed) : undefined
  if (integer !== undefined) return integer
  const value = Number(trimmed)
  return Number.isFinite(value) ? value : undefined
}

/**
 * The seed each take gets: one shared seed, or consecutive ones from it when seeds vary (counted
 * exactly, wrapping at 2³² for the studio's 32-bit seeds and at 2⁶⁴ for larger ones). `seed` is an
 * exact integer, or its digits as a sweep record keeps them.
 */
export function seedOfCell(seed: ExactInteger, index: number, varySeed: boolean): ExactInteger {
  const first = BigInt(seed)
  if (!varySeed) return exactIntegerOf(first)
  const limit = first >= BigInt(0) && first < BigInt(SEED_LIMIT) ? BigInt(SEED_LIMIT) : SEED_LIMIT_64
  return exactIntegerOf((first + BigInt(index)) % limit)
}

/** A sweep's seed as its record keeps it (decimal digits, any size), and back. */
export function seedRecordOf(seed: ExactInteger | null): string | null {
  return seed === null ? null : BigInt(seed).toString()
}
export function seedOfRecord(record: string | null): ExactInteger | null {
  return record === null ? null : (exactIntegerFromText(record) ?? null)
}

/**
 * Where a cell's own values come from: a sweep's axes (every combination, row-major) or a batch's
 * rows (one take per row). A bare axes array is a sweep.
 */
export type CellPlan = readonly SweepAxis[] | { axes: readonly SweepAxis[]; rows?: readonly Payload[] | null }

const isAxes = (plan: CellPlan): plan is readonly SweepAxis[] => Array.isArray(plan)
const rowsOf = (plan: CellPlan): readonly Payload[] | null => (isAxes(plan) ? null : (plan.rows ?? null))
const axesOf = (plan: CellPlan): readonly SweepAxis[] => (isAxes(plan) ? plan : plan.axes)

/** How many takes the plan makes: one per row of a batch, one per combination of a sweep. */
export function planSize(plan: CellPlan): number {
  return rowsOf(plan)?.length ?? sweepSize(axesOf(plan))
}

/** The values cell `index` sets over the base input: its batch row, or its sweep combination. */
export function cellFields(plan: CellPlan, index: number): Payload {
  const rows = rowsOf(plan)
  return rows ? (rows[index] ?? {}) : cellValues(axesOf(plan), index)
}

/**
 * The input of cell `index`: the base input with the cell's values, and the seed when the endpoint
 * has one (unless the cell sets the seed itself).
 */
export function cellInput(base: Payload, plan: CellPlan, index: number, seed: ExactInteger | null, varySeed: boolean): Payload {
  const own = cellFields(plan, index)
  const input: { [key: string]: JsonValue } = { ...base, ...own }
  if (seed !== null && !(SEED_FIELD in own)) input[SEED_FIELD] = seedOfCell(seed, index, varySeed)
  return input
}

/** Every cell's input, in cell order. */
export function sweepInputs(base: Payload, plan: CellPlan, seed: ExactInteger | null, varySeed: boolean): Payload[] {
  return Array.from({ length: planSize(plan) }, (_, index) => cellInput(base, plan, index, seed, varySeed))
}
