import { MAX_AXIS_VALUES, parseSweepValue, rangeValues, type SweepableField, type SweepValue } from './sweep-plan'
import { randomSeed } from './random-seed'

export type AxisMode = 'list' | 'range'

/** One axis as the sweep panel's inputs hold it: the texts typed, not yet values. */
export interface AxisDraft {
  field: string
  mode: AxisMode
  /** Comma-separated values, e.g. "8, 20". */
  list: string
  from: string
  to: string
  steps: string
}

export type AxisInputName = 'list' | 'from' | 'to' | 'steps'

/** The values an axis's inputs give, and what is wrong with each input that is wrong. */
export interface AxisValues {
  values: SweepValue[]
  errors: Partial<Record<AxisInputName, string>>
}

const DEFAULT_STEPS = 3

/** A fresh draft for `field`: every option of an enum or boolean, the bounds of a number's range. */
export function draftFor(field: SweepableField): AxisDraft {
  const list = field.kind === 'select' ? field.options.map(String).join(', ') : field.kind === 'switch' ? 'true, false' : ''
  const from = field.kind === 'number' && field.min !== undefined && !field.minExclusive ? String(field.min) : ''
  const to = field.kind === 'number' && field.max !== undefined && !field.maxExclusive ? String(field.max) : ''
  return { field: field.name, mode: 'list', list, from, to, steps: String(DEFAULT_STEPS) }
}

/** Why `value` (typed as `text`) is not a value of `field`, or undefined when it is one. */
export function valueProblem(field: SweepableField, value: SweepValue, text = String(value)): string | undefined {
  if (field.kind !== 'number' || typeof value !== 'number') return undefined
  const quoted = `“${text}”`
  if (field.integer && !Number.isInteger(value)) return `${quoted} is not a whole number`
  const { min, max, minExclusive, maxExclusive } = field
  if (min !== undefined && (minExclusive ? value <= min : value < min))
    return minExclusive ? `${quoted} must be greater than ${min}` : `${quoted} is below the minimum ${min}`
  if (max !== undefined && (maxExclusive ? value >= max : value > max))
    return maxExclusive ? `${quoted} must be less than ${max}` : `${quoted} is above the maximum ${max}`
  return undefined
}

function notAValue(field: SweepableField, text: string): string {
  const quoted = `“${text}”`
  if (field.kind === 'switch') return `${quoted} is not true or false`
  if (field.kind === 'select') return `${quoted} is not one of ${field.options.map(String).join(', ')}`
  return `${quoted} is not a number`
}

/** A comma-separated list's values; each entry that is not a valid, new value is named. */
export function parseList(field: SweepableField, text: string): AxisValues {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
  const values: SweepValue[] = []
  const problems: string[] = []
  for (const entry of entries) {
    const value = parseSweepValue(field, entry)
    const problem = value === undefined ? notAValue(field, entry) : valueProblem(field, value, entry)
    if (problem) problems.push(problem)
    else if (values.includes(value!)) problems.push(`“${entry}” is listed twice`)
    else values.push(value!)
  }
  if (entries.length > MAX_AXIS_VALUES) problems.push(`At most ${MAX_AXIS_VALUES} values (this list has ${entries.length})`)
  return { values, errors: problems.length > 0 ? { list: problems.join('; ') } : {} }
}

function parseBound(field: SweepableField, text: string): { value?: number; error?: string } {
  const value = parseSweepValue(field, text)
  if (typeof value !== 'number') return { error: text.trim() === '' ? 'Enter a number' : notAValue(field, text.trim()) }
  const error = valueProblem(field, value, text.trim())
  return error ? { error } : { value }
}

/** Evenly spaced values from `from` to `to`, for a number field. */
export function parseRange(field: SweepableField, from: string, to: string, steps: string): AxisValues {
  if (field.kind !== 'number') return { values: [], errors: { from: 'Only a number field has a range' } }
  const start = parseBound(field, from)
  const end = parseBound(field, to)
  const count = Number(steps)
  const stepsError =
    Number.isInteger(count) && count >= 1 && count <= MAX_AXIS_VALUES ? undefined : `Steps must be a whole number from 1 to ${MAX_AXIS_VALUES}`
  const errors: AxisValues['errors'] = {}
  if (start.error) errors.from = start.error
  if (end.error) errors.to = end.error
  if (stepsError) errors.steps = stepsError
  if (start.value === undefined || end.value === undefined || stepsError) return { values: [], errors }
  return { values: rangeValues(start.value, end.value, count, field.integer), errors }
}

/** The values a draft gives for its field (a range only for a number field). */
export function axisValues(field: SweepableField, draft: AxisDraft): AxisValues {
  return draft.mode === 'range' && field.kind === 'number'
    ? parseRange(field, draft.from, draft.to, draft.steps)
    : parseList(field, draft.list)
}

/** `count` different random seeds, for "N variations". */
export function distinctSeeds(count: number, next: () => number = randomSeed): number[] {
  const seeds = new Set<number>()
  while (seeds.size < count) seeds.add(next())
  return [...seeds]
}
