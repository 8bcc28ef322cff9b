/** The subset of JSON Schema (OpenAPI 3.0 flavour) that fal publishes for its endpoints. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

export type JsonSchemaType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'null'

export interface JsonSchema {
  $ref?: string
  type?: JsonSchemaType
  title?: string
  description?: string
  default?: JsonValue
  examples?: JsonValue[]
  enum?: (string | number | boolean)[]
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  minLength?: number
  maxLength?: number
  minItems?: number
  maxItems?: number
  anyOf?: JsonSchema[]
  allOf?: JsonSchema[]
  items?: JsonSchema
  properties?: Record<string, JsonSchema>
  required?: string[]
  'x-fal-order-properties'?: string[]
  [extension: `x-${string}`]: unknown
}

const LOCAL_REF = /^#\/components\/schemas\/(.+)$/

/**
 * Inlines every local `#/components/schemas/<Name>` reference, so the result is a
 * self-contained schema that can travel to the browser as plain JSON.
 * A single-member `allOf` (OpenAPI 3.0's way to annotate a `$ref`) is merged into its owner.
 */
export function dereference(schema: JsonSchema, definitions: Record<string, JsonSchema>, seen: string[] = []): JsonSchema {
  if (schema.$ref) {
    const name = LOCAL_REF.exec(schema.$ref)?.[1]
    const target = name ? definitions[name] : undefined
    if (!name || !target) throw new Error(`Unresolvable schema reference ${schema.$ref}`)
    if (seen.includes(name)) throw new Error(`Recursive schema reference ${schema.$ref}`)
    const { $ref: _ref, ...siblings } = schema
    return { ...dereference(target, definitions, [...seen, name]), ...siblings }
  }
  const out: JsonSchema = { ...schema }
  if (schema.allOf?.length === 1 && schema.allOf[0]) {
    const { allOf: _allOf, ...annotations } = out
    return { ...dereference(schema.allOf[0], definitions, seen), ...annotations }
  }
  if (schema.allOf) out.allOf = schema.allOf.map((s) => dereference(s, definitions, seen))
  if (schema.anyOf) out.anyOf = schema.anyOf.map((s) => dereference(s, definitions, seen))
  if (schema.items) out.items = dereference(schema.items, definitions, seen)
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([key, value]) => [key, dereference(value, definitions, seen)]),
    )
  }
  return out
}

/** Property names in display order: `x-fal-order-properties` first, then any property it leaves out. */
export function orderedPropertyNames(schema: JsonSchema): string[] {
  const names = Object.keys(schema.properties ?? {})
  const order = (schema['x-fal-order-properties'] ?? []).filter((name) => names.includes(name))
  return [...order, ...names.filter((name) => !order.includes(name))]
}
