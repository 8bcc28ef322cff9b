import type { IntegerPathTest, JsonPath } from '@/lib/json/exact-json'
import type { JsonSchema } from './json-schema'

/** The schema itself and the members of its unions: where a value of it may be described. */
function alternativesOf(schema: JsonSchema): JsonSchema[] {
  return [schema, ...(schema.anyOf ?? []).flatMap(alternativesOf), ...(schema.allOf ?? []).flatMap(alternativesOf)]
}

function integerAt(schema: JsonSchema, path: JsonPath, at: number): boolean {
  const alternatives = alternativesOf(schema)
  if (at === path.length) return alternatives.some((member) => member.type === 'integer')
  const key = path[at]!
  return alternatives.some((member) => {
    if (typeof key === 'number') return member.items !== undefined && integerAt(member.items, path, at + 1)
    const property = member.properties && Object.hasOwn(member.properties, key) ? member.properties[key] : undefined
    return property !== undefined && integerAt(property, path, at + 1)
  })
}

/**
 * Which paths of a document the (dereferenced) schema types `integer`: e.g. `["seed"]`,
 * `["image_size", "width"]`, `["loras", 0, "steps"]` — where an exact integer's digits go on the wire
 * as a raw JSON number.
 */
export function integerPathsOf(schema: JsonSchema): IntegerPathTest {
  return (path) => integerAt(schema, path, 0)
}
