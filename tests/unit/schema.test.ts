import { describe, expect, it } from 'vitest'
import { catalog } from '@/lib/endpoints'
import { compileSchema, payloadFrom, type NumberField, type Payload } from '@/lib/schema'
import { EXPECTED_FIELD_COUNTS } from '../fixtures/field-counts'

function issuePaths(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): string[] {
  return (result.error?.issues ?? []).map((issue) => issue.path.map(String).join('.'))
}

it('lists the five endpoints in seed order', () => {
  expect(catalog.endpoints.map((endpoint) => endpoint.id)).toEqual(Object.keys(EXPECTED_FIELD_COUNTS))
})

describe.each(catalog.endpoints.map((endpoint) => [endpoint.id, endpoint] as const))('%s', (id, endpoint) => {
  const { validator, fields, defaults } = compileSchema(endpoint.input)

  it('has every input field of its seed, one descriptor each, in x-fal-order-properties order', () => {
    expect(fields).toHaveLength(EXPECTED_FIELD_COUNTS[id]!)
    expect(fields.map((field) => field.name)).toEqual(endpoint.input['x-fal-order-properties'])
  })

  it("accepts the seed's full example", () => {
    const result = validator.safeParse(endpoint.example)
    expect(result.error?.issues ?? []).toEqual([])
  })

  it('refuses the example without each required field, naming it', () => {
    const required = endpoint.input.required ?? []
    expect(required.length).toBeGreaterThan(0)
    for (const name of required) {
      const { [name]: _removed, ...rest } = endpoint.example
      const result = validator.safeParse(rest)
      expect(result.success, name).toBe(false)
      expect(issuePaths(result)).toContain(name)
    }
  })

  it('refuses each bounded number just outside its range, and accepts its bounds', () => {
    const numbers = fields.filter((field): field is NumberField => field.kind === 'number')
    for (const field of numbers) {
      const nudge = field.integer ? 1 : 0.01
      if (field.min !== undefined) {
        const below = field.minExclusive ? field.min : field.min - nudge
        expect(validator.safeParse({ ...endpoint.example, [field.name]: below }).success, `${field.name}=${below}`).toBe(false)
        if (!field.minExclusive) expect(validator.safeParse({ ...endpoint.example, [field.name]: field.min }).success).toBe(true)
      }
      if (field.max !== undefined) {
        const above = field.maxExclusive ? field.max : field.max + nudge
        const result = validator.safeParse({ ...endpoint.example, [field.name]: above })
        expect(result.success, `${field.name}=${above}`).toBe(false)
        expect(issuePaths(result)).toEqual([field.name])
        if (!field.maxExclusive) expect(validator.safeParse({ ...endpoint.example, [field.name]: field.max }).success).toBe(true)
      }
      if (field.integer) {
        expect(validator.safeParse({ ...endpoint.example, [field.name]: (field.min ?? 1) + 0.5 }).success).toBe(false)
      }
    }
  })

  it('refuses an unknown value for each enum', () => {
    const enums = fields.filter((field) => field.kind === 'select')
    for (const field of enums) {
      const result = validator.safeParse({ ...endpoint.example, [field.name]: 'not-an-option' })
      expect(result.success, field.name).toBe(false)
      expect(issuePaths(result)).toEqual([field.name])
    }
  })

  it('accepts every video_size preset and a custom size, and refuses a bad one', () => {
    const size = fields.find((field) => field.kind === 'size')
    if (!size || size.kind !== 'size') return
    for (const preset of size.presets) {
      expect(validator.safeParse({ ...endpoint.example, [size.name]: preset }).success, preset).toBe(true)
    }
    expect(validator.safeParse({ ...endpoint.example, [size.name]: { width: 1280, height: 704 } }).success).toBe(true)
    expect(validator.safeParse({ ...endpoint.example, [size.name]: { width: 0, height: 704 } }).success).toBe(false)
    expect(validator.safeParse({ ...endpoint.example, [size.name]: 'huge' }).success).toBe(false)
    expect(validator.safeParse({ ...endpoint.example, [size.name]: { width: 1280.5, height: 704 } }).success).toBe(false)
  })

  it('refuses wrong types, unknown fields and non-URL media', () => {
    const anyNumber = fields.find((field) => field.kind === 'number')
    if (anyNumber) expect(validator.safeParse({ ...endpoint.example, [anyNumber.name]: '5' }).success).toBe(false)
    const anySwitch = fields.find((field) => field.kind === 'switch')
    if (anySwitch) expect(validator.safeParse({ ...endpoint.example, [anySwitch.name]: 'yes' }).success).toBe(false)
    expect(validator.safeParse({ ...endpoint.example, not_a_field: 1 }).success).toBe(false)
    const media = fields.find((field) => field.kind === 'media' && field.required)!
    expect(validator.safeParse({ ...endpoint.example, [media.name]: 'file:///etc/passwd' }).success).toBe(false)
    expect(
      validator.safeParse({ ...endpoint.example, [media.name]: 'data:video/mp4;base64,AAAAIGZ0eXA=' }).success,
    ).toBe(true)
  })

  it('refuses a required text of only whitespace on its own path, with a message that says what to enter', () => {
    const texts = fields.filter((field) => (field.kind === 'text' || field.kind === 'textarea') && field.required)
    expect(texts.map((field) => field.name)).toContain('prompt')
    for (const field of texts) {
      for (const blank of ['   ', '\n\t ', '\u00a0\u3000']) {
        const result = validator.safeParse({ ...endpoint.example, [field.name]: blank })
        expect(result.success, `${field.name}=${JSON.stringify(blank)}`).toBe(false)
        expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
          [field.name, `${field.label} is empty: enter a ${field.label.toLowerCase()}`],
        ])
      }
      expect(validator.safeParse({ ...endpoint.example, [field.name]: '' }).error?.issues.map((issue) => issue.message)).toEqual([`${field.label} is required`])
      expect(validator.safeParse({ ...endpoint.example, [field.name]: '  a cowboy  ' }).success).toBe(true)
    }
  })

  it('leaves an optional text of only whitespace alone (it means nothing, as fal reads it)', () => {
    const optional = fields.find((field) => (field.kind === 'text' || field.kind === 'textarea') && !field.required)
    if (optional) expect(validator.safeParse({ ...endpoint.example, [optional.name]: '   ' }).success).toBe(true)
  })

  it("an untouched form's payload is exactly the required fields", () => {
    const payload: Payload = payloadFrom(defaults, fields)
    expect(Object.keys(payload).sort()).toEqual([...(endpoint.input.required ?? [])].sort())
  })

  it('a payload keeps only what differs from the defaults', () => {
    const payload = payloadFrom({ ...defaults, ...endpoint.example }, fields)
    for (const [name, value] of Object.entries(payload)) {
      const field = fields.find((f) => f.name === name)!
      if (!field.required) expect(value).not.toEqual(field.defaultValue)
    }
    expect(validator.safeParse(payload).success).toBe(true)
  })
})
