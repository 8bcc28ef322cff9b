import { deepEqual } from '@/lib/schema/payload'
import type { JsonValue } from '@/lib/schema/json-schema'
import { effectiveInput } from '@/lib/generation/output-shape'
import { SEED_FIELD } from '@/lib/sweeps/sweep-plan'
import { withSeedUsed } from './seed-used'

/** How many takes a comparison shows side by side. */
export const MIN_COMPARED = 2
export const MAX_COMPARED = 4

/** What a comparison needs of a take. */
export interface ComparedTake {
  endpointId: string
  input: Record<string, JsonValue | undefined>
  /** Its output: the seed fal picked counts as a parameter when the input set none. */
  output?: unknown
}

/** What a comparison needs of an endpoint's input fields (a `FieldDescriptor` has it). */
export interface ComparedField {
  name: string
  label: string
  defaultValue?: JsonValue
}

/** One parameter that differs: its value in each take, in the takes' order (undefined: not set and no default). */
export interface DifferingParameter {
  name: string
  label: string
  values: (JsonValue | undefined)[]
}

/** The row naming each take's endpoint, present only when the takes use different endpoints. */
export const ENDPOINT_ROW = 'endpoint'

/**
 * The parameters whose effective values (the input merged over its endpoint's defaults) differ
 * between the takes, in the schema's field order. A field left at its default and one set to that
 * same value do not differ; the seed counts, whether the input set it or fal picked it (from the
 * output). With different endpoints, an "Endpoint" row comes first and the union of
 * their fields is compared. `fieldsOf` gives an endpoint's fields (undefined for one not in the
 * catalog: its takes are compared on their input alone).
 */
export function differingParameters(
  takes: readonly ComparedTake[],
  fieldsOf: (endpointId: string) => readonly ComparedField[] | undefined,
): DifferingParameter[] {
  const labels = new Map<string, string>()
  const effective = takes.map((take) => {
    const fields = fieldsOf(take.endpointId) ?? []
    const defaults: Record<string, JsonValue | undefined> = {}
    for (const field of fields) {
      if (!labels.has(field.name)) labels.set(field.name, field.label)
      defaults[field.name] = field.defaultValue
    }
    const input = fields.some((field) => field.name === SEED_FIELD) ? withSeedUsed(take.input, take.output) : take.input
    return effectiveInput(defaults, input)
  })
  // Fields the schemas do not describe (an old input, a retired endpoint) are compared too, by name.
  for (const input of effective) for (const name of Object.keys(input)) if (!labels.has(name)) labels.set(name, name)

  const rows: DifferingParameter[] = []
  const endpoints = takes.map((take) => take.endpointId)
  if (new Set(endpoints).size > 1) rows.push({ name: ENDPOINT_ROW, label: 'Endpoint', values: endpoints })
  for (const [name, label] of labels) {
    const values = effective.map((input) => (Object.hasOwn(input, name) ? input[name] : undefined))
    if (values.some((value) => !sameValue(value, values[0]))) rows.push({ name, label, values })
  }
  return rows
}

function sameValue(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return a === undefined || b === undefined ? a === b : deepEqual(a, b)
}

/** A `?ids=` query read into distinct take ids, or why it cannot be compared. */
export type CompareIds = { ok: true; ids: string[] } | { ok: false; reason: string }

/** Reads `?ids=a,b[,c[,d]]`: two to four distinct take ids (repeats count once). */
export function parseCompareIds(raw: string | string[] | undefined): CompareIds {
  const text = Array.isArray(raw) ? raw.join(',') : (raw ?? '')
  const ids = [...new Set(text.split(',').map((id) => id.trim()).filter((id) => id !== ''))]
  if (ids.length < MIN_COMPARED) {
    const got = ids.length === 0 ? 'none was given' : 'only one was given'
    return { ok: false, reason: `Pick ${MIN_COMPARED} to ${MAX_COMPARED} different takes to compare; ${got}.` }
  }
  if (ids.length > MAX_COMPARED) {
    return { ok: false, reason: `At most ${MAX_COMPARED} takes can be compared at once; ${ids.length} were given.` }
  }
  return { ok: true, ids }
}

/** The address comparing `ids`. */
export function comparePath(ids: readonly string[]): string {
  return `/compare?ids=${ids.map(encodeURIComponent).join(',')}`
}
