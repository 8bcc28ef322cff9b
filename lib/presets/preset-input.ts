import 'server-only'
import { z } from 'zod'
import { catalog as defaultCatalog, type Catalog } from '@/lib/endpoints'
import { compiledEndpoint } from '@/lib/endpoints/compiled'
import type { CompiledSchema, Payload } from '@/lib/schema'
import { PRESET_NAME_MAX, type PresetProblem } from './preset-view'

// The preset API's input checks, in one place: the routes only read the body and answer.

export type Checked<T> = { ok: true; value: T } | { ok: false; status: 400 | 404; problem: PresetProblem }

export interface PresetInput {
  endpointId: string
  name: string
  values: Payload
}

const refuse = (status: 400 | 404, detail: string, field?: PresetProblem['field']): Checked<never> => ({
  ok: false,
  status,
  problem: field ? { detail, field } : { detail },
})

export const presetName = z
  .string({ error: 'Name must be text' })
  .trim()
  .min(1, { error: 'Name is required' })
  .max(PRESET_NAME_MAX, { error: `Name must be at most ${PRESET_NAME_MAX} characters` })

const createBody = z.object({ endpointId: z.string({ error: 'endpointId must be text' }), name: presetName, values: z.unknown() })
const renameBody = z.object({ name: presetName })

function firstIssue(error: z.ZodError): { message: string; path: PropertyKey[] } {
  const issue = error.issues[0]
  return { message: issue?.message ?? 'Invalid input', path: issue?.path ?? [] }
}

/**
 * A preset's values: an object whose keys are all fields of the endpoint's input, each value valid
 * for its field by the endpoint's own validator. A preset is a partial input: fields may be left
 * out, and a required text or media field may be empty (the form holds an empty string there).
 */
export function checkPresetValues(compiled: CompiledSchema, values: unknown): Checked<Payload> {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    return refuse(400, 'values must be an object of field values', 'values')
  }
  const shape = compiled.validator instanceof z.ZodObject ? (compiled.validator.shape as Record<string, z.ZodType>) : null
  if (!shape) throw new Error('An endpoint validator is expected to be a zod object.')
  const unknown = Object.keys(values).filter((key) => !Object.hasOwn(shape, key))
  if (unknown.length) return refuse(400, `Unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, 'values')
  const byName = new Map(compiled.fields.map((field) => [field.name, field]))
  for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
    const field = byName.get(key)
    const emptyRequired = value === '' && field?.required && (field.kind === 'text' || field.kind === 'textarea' || field.kind === 'media')
    if (emptyRequired) continue
    const result = shape[key]!.safeParse(value)
    if (!result.success) {
      const { message, path } = firstIssue(result.error)
      const where = [key, ...path.map(String)].join('.')
      return refuse(400, path.length ? `${where}: ${message}` : message, 'values')
    }
  }
  return { ok: true, value: values as Payload }
}

/** POST /api/presets' body. 404 when the endpoint is not in the catalog. */
export function checkCreatePreset(body: unknown, catalog: Catalog = defaultCatalog): Checked<PresetInput> {
  const parsed = createBody.safeParse(body)
  if (!parsed.success) {
    const { message, path } = firstIssue(parsed.error)
    const field = path[0] === 'name' || path[0] === 'endpointId' ? path[0] : undefined
    return refuse(400, path.length || body === null || typeof body !== 'object' ? message : 'The body must be a JSON object', field)
  }
  const { endpointId, name, values } = parsed.data
  const compiled = compiledEndpoint(endpointId, catalog)?.compiled
  if (!compiled) return refuse(404, `No such endpoint: ${endpointId}`, 'endpointId')
  const checked = checkPresetValues(compiled, values)
  if (!checked.ok) return checked
  return { ok: true, value: { endpointId, name, values: checked.value } }
}

/** PATCH /api/presets/<id>'s body: the new name, trimmed. */
export function checkRenamePreset(body: unknown): Checked<{ name: string }> {
  const parsed = renameBody.safeParse(body)
  if (!parsed.success) return refuse(400, firstIssue(parsed.error).message, 'name')
  return { ok: true, value: parsed.data }
}

/** `?endpoint=` of GET /api/presets: an endpoint of the catalog. */
export function checkEndpointParam(endpointId: string | null, catalog: Catalog = defaultCatalog): Checked<string> {
  if (!endpointId) return refuse(400, 'endpoint is required (?endpoint=<endpoint id>)', 'endpointId')
  if (!catalog.find(endpointId)) return refuse(404, `No such endpoint: ${endpointId}`, 'endpointId')
  return { ok: true, value: endpointId }
}
