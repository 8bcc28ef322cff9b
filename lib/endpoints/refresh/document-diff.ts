import type { JsonSchema } from '@/lib/schema'
import { inputSchemaOf, outputSchemaOf, type OpenApiDocument } from '@/lib/schema/openapi'

/**
 * What changed between two OpenAPI documents of one endpoint, as a person reading the refresh's
 * output wants it: input fields added or removed, and per field its type, default, range, enum and
 * whether it is required; output fields added or removed. Pure.
 */

/** The keywords whose change changes what a field accepts or defaults to. */
const CONSTRAINTS = [
  'type',
  'default',
  'enum',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'format',
  'pattern',
  'required',
] as const

type Constraint = (typeof CONSTRAINTS)[number]

/** `where` is the path inside the field ("" for the field itself, "ImageSize › width" for a nested one). */
interface Fact {
  where: string
  keyword: Constraint
  value: unknown
}

function text(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value)
  return json.length > 80 ? `${json.slice(0, 77)}…` : json
}

/** One anyOf member's label: its title, else its type, else its position. */
function memberLabel(member: JsonSchema, index: number): string {
  return member.title ?? (member.type ? String(member.type) : `option ${index + 1}`)
}

/** Every constraint in a field's schema, nested members and properties included, by where it sits. */
function factsOf(schema: JsonSchema, where = ''): Map<string, Fact> {
  const facts = new Map<string, Fact>()
  const add = (more: Map<string, Fact>) => more.forEach((fact, key) => facts.set(key, fact))
  const join = (part: string) => (where ? `${where} › ${part}` : part)
  for (const keyword of CONSTRAINTS) {
    const value = (schema as Record<string, unknown>)[keyword]
    if (value !== undefined) facts.set(`${where}\u0000${keyword}`, { where, keyword, value })
  }
  schema.anyOf?.forEach((member, index) => add(factsOf(member, join(memberLabel(member, index)))))
  schema.allOf?.forEach((member, index) => add(factsOf(member, join(memberLabel(member, index)))))
  if (schema.items) add(factsOf(schema.items, join('items')))
  for (const [name, property] of Object.entries(schema.properties ?? {})) add(factsOf(property, join(name)))
  return facts
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/** "+ "auto_hd", − "square"" for two enums, "order changed" when only the order differs. */
function listChange(before: unknown[], after: unknown[]): string {
  const added = after.filter((value) => !before.some((old) => sameJson(old, value)))
  const removed = before.filter((value) => !after.some((next) => sameJson(next, value)))
  if (added.length === 0 && removed.length === 0) return 'order changed'
  return [...added.map((value) => `+ ${text(value)}`), ...removed.map((value) => `− ${text(value)}`)].join(', ')
}

function factChange(label: string, keyword: Constraint, before: unknown, after: unknown): string {
  if (Array.isArray(before) && Array.isArray(after) && (keyword === 'enum' || keyword === 'required' || keyword === 'type')) {
    return `~ ${label}: ${keyword} ${listChange(before, after)}`
  }
  const shown = (value: unknown) => (value === undefined ? '(none)' : text(value))
  return `~ ${label}: ${keyword} ${shown(before)} → ${shown(after)}`
}

/** "boolean, default false, 1–60": what a new field is, in one line. */
function summary(schema: JsonSchema): string {
  const parts: string[] = []
  const types = schema.type ?? schema.anyOf?.map((member) => member.type ?? member.title ?? '?').join(' | ')
  if (types) parts.push(String(types))
  if (schema.default !== undefined) parts.push(`default ${text(schema.default)}`)
  if (schema.minimum !== undefined || schema.maximum !== undefined) parts.push(`${schema.minimum ?? '…'}–${schema.maximum ?? '…'}`)
  if (schema.enum) parts.push(`one of ${text(schema.enum)}`)
  return parts.join(', ')
}

function fieldLines(before: JsonSchema, after: JsonSchema, side: 'input' | 'output'): string[] {
  const lines: string[] = []
  const old = before.properties ?? {}
  const next = after.properties ?? {}
  const oldRequired = new Set(before.required ?? [])
  const nextRequired = new Set(after.required ?? [])
  for (const [name, schema] of Object.entries(next)) {
    if (!(name in old)) {
      const about = side === 'input' ? summary(schema) : ''
      lines.push(`+ ${side} field \`${name}\`${nextRequired.has(name) ? ' (required)' : ''}${about ? `: ${about}` : ''}`)
    }
  }
  for (const name of Object.keys(old)) if (!(name in next)) lines.push(`- ${side} field \`${name}\``)
  if (side === 'output') return lines
  for (const [name, schema] of Object.entries(next)) {
    const previous = old[name]
    if (!previous) continue
    if (oldRequired.has(name) !== nextRequired.has(name)) lines.push(`~ \`${name}\`: ${nextRequired.has(name) ? 'now required' : 'no longer required'}`)
    const oldFacts = factsOf(previous)
    const newFacts = factsOf(schema)
    for (const key of new Set([...oldFacts.keys(), ...newFacts.keys()])) {
      const a = oldFacts.get(key)
      const b = newFacts.get(key)
      if (sameJson(a?.value, b?.value)) continue
      const fact = (b ?? a)!
      lines.push(factChange(`\`${name}\`${fact.where ? ` › ${fact.where}` : ''}`, fact.keyword, a?.value, b?.value))
    }
  }
  const shared = (order: string[] | undefined, names: Record<string, unknown>, others: Record<string, unknown>) =>
    (order ?? Object.keys(names)).filter((name) => name in others)
  if (!sameJson(shared(before['x-fal-order-properties'], old, next), shared(after['x-fal-order-properties'], next, old))) {
    lines.push('~ the order of the input fields changed')
  }
  return lines
}

/**
 * The differences between the committed document and fal's, one line each ("+ input field `x`: …",
 * "- input field `y`", "~ `num_frames`: maximum 481 → 257"); a single line for changes that touch no
 * field (descriptions, examples, metadata). For documents the caller found to differ.
 */
export function describeDocumentChange(endpointId: string, before: OpenApiDocument, after: OpenApiDocument): string[] {
  const lines = [
    ...fieldLines(inputSchemaOf(before, endpointId), inputSchemaOf(after, endpointId), 'input'),
    ...fieldLines(outputSchemaOf(before, endpointId), outputSchemaOf(after, endpointId), 'output'),
  ]
  return lines.length > 0 ? lines : ['~ no field changed: descriptions, examples or metadata did']
}

/** The value with every object's keys sorted, so that two documents compare by content, not key order. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  )
}
