import type { JsonSchema, JsonValue } from './json-schema'
import { orderedPropertyNames } from './json-schema'

export type MediaKind = 'video' | 'audio' | 'image' | 'file'
export type FieldGroup = 'main' | 'additional'

interface FieldBase {
  /** The property name, as sent in the payload. */
  name: string
  label: string
  help?: string
  defaultValue?: JsonValue
  required: boolean
  group: FieldGroup
}

export interface NumberBounds {
  min?: number
  max?: number
  /** True when `min` comes from `exclusiveMinimum`: the value must be strictly greater. */
  minExclusive: boolean
  maxExclusive: boolean
}

export interface TextField extends FieldBase { kind: 'text' | 'textarea' }
export interface MediaField extends FieldBase { kind: 'media'; media: MediaKind }
export interface SwitchField extends FieldBase { kind: 'switch' }
export interface SelectField extends FieldBase { kind: 'select'; options: (string | number | boolean)[] }
export interface NumberField extends FieldBase, NumberBounds {
  kind: 'number'
  integer: boolean
  /** Slider step; a slider is shown only when both bounds are known. */
  step: number
}
/** The `ImageSize | preset` union: a preset name or a custom `{ width, height }`. */
export interface SizeField extends FieldBase {
  kind: 'size'
  presets: string[]
  dimensions: NumberField[]
}
/** An array of objects, e.g. `loras`: each item is edited with its own fields. */
export interface ListField extends FieldBase {
  kind: 'list'
  itemLabel: string
  itemFields: FieldDescriptor[]
  minItems?: number
  maxItems?: number
}

export type FieldDescriptor = TextField | MediaField | SwitchField | SelectField | NumberField | SizeField | ListField
export type FieldKind = FieldDescriptor['kind']

const LONG_TEXT_DEFAULT = 80

function titleFromName(name: string): string {
  return name.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase())
}

function mediaKindOf(name: string): MediaKind {
  if (name.includes('video')) return 'video'
  if (name.includes('audio')) return 'audio'
  if (name.includes('image')) return 'image'
  return 'file'
}

/** A string property holding media the model reads: fal names these `*_url`. */
export function isMediaProperty(name: string, schema: JsonSchema): boolean {
  return schema.type === 'string' && !schema.enum && name.endsWith('_url')
}

/** A number's bounds, inclusive or exclusive, as the schema states them. */
export function boundsOf(schema: JsonSchema): NumberBounds {
  return {
    min: schema.minimum ?? schema.exclusiveMinimum,
    max: schema.maximum ?? schema.exclusiveMaximum,
    minExclusive: schema.minimum === undefined && schema.exclusiveMinimum !== undefined,
    maxExclusive: schema.maximum === undefined && schema.exclusiveMaximum !== undefined,
  }
}

function sliderStep(integer: boolean, bounds: NumberBounds): number {
  if (integer) return 1
  const span = (bounds.max ?? 1) - (bounds.min ?? 0)
  if (span <= 2) return 0.01
  if (span <= 20) return 0.1
  return 1
}

/** The preset enum and the object member of a `{ width, height } | preset` union, if the schema is one. */
export function sizeUnionOf(schema: JsonSchema): { presets: string[]; size: JsonSchema } | undefined {
  if (!schema.anyOf || schema.anyOf.length !== 2) return undefined
  const presets = schema.anyOf.find((member) => member.enum && member.type === 'string')
  const size = schema.anyOf.find((member) => member.type === 'object' || member.properties)
  if (!presets?.enum || !size?.properties?.width || !size.properties.height) return undefined
  return { presets: presets.enum.map(String), size }
}

function describe(name: string, schema: JsonSchema, required: boolean, topLevel: boolean): FieldDescriptor {
  const label = schema.title ?? titleFromName(name)
  const media = isMediaProperty(name, schema)
  const base = {
    name,
    label,
    help: schema.description,
    defaultValue: schema.default,
    required,
    group: (topLevel && (required || media || name === 'prompt') ? 'main' : 'additional') as FieldGroup,
  }

  const sizeUnion = sizeUnionOf(schema)
  if (sizeUnion) {
    const dimensions = ['width', 'height'].map((key) =>
      describe(key, sizeUnion.size.properties?.[key] ?? { type: 'integer' }, true, false),
    ) as NumberField[]
    return { ...base, kind: 'size', presets: sizeUnion.presets, dimensions }
  }
  if (schema.enum) return { ...base, kind: 'select', options: schema.enum }
  switch (schema.type) {
    case 'boolean':
      return { ...base, kind: 'switch' }
    case 'integer':
    case 'number': {
      const integer = schema.type === 'integer'
      const bounds = boundsOf(schema)
      return { ...base, ...bounds, kind: 'number', integer, step: sliderStep(integer, bounds) }
    }
    case 'array': {
      const item = schema.items ?? {}
      const itemRequired = new Set(item.required ?? [])
      return {
        ...base,
        kind: 'list',
        itemLabel: item.title ?? 'Item',
        itemFields: orderedPropertyNames(item).map((key) =>
          describe(key, item.properties?.[key] ?? {}, itemRequired.has(key), false),
        ),
        minItems: schema.minItems,
        maxItems: schema.maxItems,
      }
    }
    default: {
      if (media) return { ...base, kind: 'media', media: mediaKindOf(name) }
      const long =
        name.includes('prompt') || (typeof schema.default === 'string' && schema.default.length > LONG_TEXT_DEFAULT)
      return { ...base, kind: long ? 'textarea' : 'text' }
    }
  }
}

/** One descriptor per input property, in `x-fal-order-properties` order. */
export function describeFields(schema: JsonSchema): FieldDescriptor[] {
  const required = new Set(schema.required ?? [])
  return orderedPropertyNames(schema).map((name) =>
    describe(name, schema.properties?.[name] ?? {}, required.has(name), true),
  )
}

/** Describes a number's allowed range in words, e.g. "9 to 481" or "greater than 0, at most 14142". */
export function rangeText(field: NumberBounds): string | undefined {
  const { min, max, minExclusive, maxExclusive } = field
  if (min !== undefined && max !== undefined && !minExclusive && !maxExclusive) return `${min} to ${max}`
  const parts = [
    min !== undefined ? `${minExclusive ? 'greater than' : 'at least'} ${min}` : undefined,
    max !== undefined ? `${maxExclusive ? 'less than' : 'at most'} ${max}` : undefined,
  ].filter(Boolean)
  return parts.length ? parts.join(', ') : undefined
}
