import { z } from 'zod'
import type { JsonSchema, JsonValue } from './json-schema'
import { orderedPropertyNames } from './json-schema'
import { boundsOf, isMediaProperty, rangeText, sizeUnionOf } from './fields'
import { TEXT_MAX_CHARS, tooLongMessage, URL_MAX_CHARS } from './string-limits'
import { compareWithBound, isUnsafeIntegerDigits } from '@/lib/json/exact-integer'

export type Payload = Record<string, JsonValue>

/** http(s) URLs and base64 data URIs: what fal can fetch for a media input. */
const MEDIA_URL = /^(https?:\/\/[^\s]+|data:[\w.+-]+\/[\w.+-]+(;[\w-]+=[^;,]+)*;base64,[A-Za-z0-9+/=\s]*)$/

function typeError(label: string, expected: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? `${label} is required` : `${label} must be ${expected}`
}

function numberSchema(schema: JsonSchema, label: string) {
  const integer = schema.type === 'integer'
  let number = z.number({ error: typeError(label, integer ? 'a whole number' : 'a number') })
  if (integer) number = number.int({ error: `${label} must be a whole number` })
  const outOfRange = `${label} must be ${rangeText(boundsOf(schema))}`
  if (schema.minimum !== undefined) number = number.gte(schema.minimum, { error: outOfRange })
  if (schema.exclusiveMinimum !== undefined) number = number.gt(schema.exclusiveMinimum, { error: outOfRange })
  if (schema.maximum !== undefined) number = number.lte(schema.maximum, { error: outOfRange })
  if (schema.exclusiveMaximum !== undefined) number = number.lt(schema.exclusiveMaximum, { error: outOfRange })
  return number
}

/** Whether an integer lies within the schema's bounds, compared exactly (a 64-bit seed is no double). */
function withinBounds(value: bigint, schema: JsonSchema): boolean {
  const { minimum, exclusiveMinimum, maximum, exclusiveMaximum } = schema
  return (
    (minimum === undefined || compareWithBound(value, minimum) >= 0) &&
    (exclusiveMinimum === undefined || compareWithBound(value, exclusiveMinimum) > 0) &&
    (maximum === undefined || compareWithBound(value, maximum) <= 0) &&
    (exclusiveMaximum === undefined || compareWithBound(value, exclusiveMaximum) < 0)
  )
}

/**
 * An integer as the studio holds it (`lib/json/exact-integer.ts`): a safe integer number, or the
 * digits of one beyond the safe range, whose bounds are checked on its exact value.
 */
function integerSchema(schema: JsonSchema, label: string) {
  const wholeNumber = `${label} must be a whole number`
  const digits = z
    .string()
    .refine(isUnsafeIntegerDigits, { error: wholeNumber, abort: true })
    .refine((value) => withinBounds(BigInt(value), schema), { error: `${label} must be ${rangeText(boundsOf(schema))}` })
  return z.union([numberSchema(schema, label), digits], { error: typeError(label, 'a whole number') })
}

/** "Prompt is empty: enter a prompt" — for a required text holding only whitespace. */
export function blankMessage(label: string): string {
  const noun = label.charAt(0).toLowerCase() + label.slice(1)
  return `${label} is empty: enter ${/^[aeiou]/i.test(label) ? 'an' : 'a'} ${noun}`
}

function stringSchema(name: string, schema: JsonSchema, label: string, requiredAtTop: boolean) {
  let text = z.string({ error: typeError(label, 'text') })
  // An empty required field in a form means nothing was entered.
  if (requiredAtTop) text = text.min(1, { error: `${label} is required`, abort: true })
  if (schema.minLength !== undefined) text = text.min(schema.minLength, { error: `${label} is too short` })
  if (isMediaProperty(name, schema)) {
    if (schema.maxLength !== undefined) text = text.max(schema.maxLength, { error: tooLongMessage(label, schema.maxLength) })
    return text
      .regex(MEDIA_URL, { error: `${label} must be an http(s) URL or a base64 data URI` })
      .refine((value) => !/^https?:/i.test(value) || value.length <= URL_MAX_CHARS, { error: tooLongMessage(label, URL_MAX_CHARS, 'characters for a URL (upload the file instead)') })
  }
  const limit = Math.min(schema.maxLength ?? Infinity, TEXT_MAX_CHARS)
  const bounded = text.max(limit, { error: tooLongMessage(label, limit) })
  // Spaces alone are no prompt: the model would run (and bill) on an empty text.
  return requiredAtTop ? bounded.refine((value) => value === '' || value.trim() !== '', { error: blankMessage(label) }) : bounded
}

function propertySchema(name: string, schema: JsonSchema, requiredAtTop: boolean): z.ZodType {
  const label = schema.title ?? name
  if (schema.enum) {
    const options = schema.enum
    return z.literal(options as [string | number | boolean, ...(string | number | boolean)[]], {
      error: (issue) =>
        issue.input === undefined ? `${label} is required` : `${label} must be one of: ${options.join(', ')}`,
    })
  }
  const sizeUnion = sizeUnionOf(schema)
  if (sizeUnion) {
    const custom = objectSchema(sizeUnion.size, false)
    const preset = z.literal(sizeUnion.presets as [string, ...string[]])
    return z.union([preset, custom], {
      error: (issue) =>
        issue.input === undefined
          ? `${label} is required`
          : `${label} must be one of ${sizeUnion.presets.join(', ')} or a custom { width, height }`,
    })
  }
  if (schema.anyOf) {
    const members = schema.anyOf.map((member) => propertySchema(name, { title: label, ...member }, requiredAtTop))
    return z.union(members as [z.ZodType, z.ZodType, ...z.ZodType[]], { error: `${label} is not valid` })
  }
  switch (schema.type) {
    case 'integer':
      return integerSchema(schema, label)
    case 'number':
      return numberSchema(schema, label)
    case 'boolean':
      return z.boolean({ error: typeError(label, 'true or false') })
    case 'string':
      return stringSchema(name, schema, label, requiredAtTop)
    case 'array': {
      let list = z.array(schema.items ? propertySchema(`${name}[]`, schema.items, false) : z.unknown(), {
        error: typeError(label, 'a list'),
      })
      if (schema.minItems !== undefined) list = list.min(schema.minItems, { error: `${label} needs at least ${schema.minItems} item(s)` })
      if (schema.maxItems !== undefined) list = list.max(schema.maxItems, { error: `${label} takes at most ${schema.maxItems} item(s)` })
      return list
    }
    case 'object':
      return objectSchema(schema, false)
    case 'null':
      return z.null()
    default:
      if (schema.properties) return objectSchema(schema, false)
      return z.unknown()
  }
}

function objectSchema(schema: JsonSchema, topLevel: boolean) {
  const required = new Set(schema.required ?? [])
  const shape = Object.fromEntries(
    orderedPropertyNames(schema).map((name) => {
      const property = propertySchema(name, schema.properties?.[name] ?? {}, topLevel && required.has(name))
      return [name, required.has(name) ? property : property.optional()]
    }),
  )
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `Unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`
        : `${schema.title ?? 'Input'} must be an object`,
  })
}

/**
 * Compiles an endpoint's input schema into a zod validator that accepts exactly what the schema
 * allows: types (integer vs float), ranges, enums, required fields, the size union, arrays of
 * objects; unknown fields are refused. Messages name the field by its title.
 */
export function compileValidator(schema: JsonSchema): z.ZodType<Payload> {
  return objectSchema(schema, true) as unknown as z.ZodType<Payload>
}
