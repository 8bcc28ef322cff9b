import { describe, expect, it } from 'vitest'
import { catalog } from '@/lib/endpoints'
import { compileSchema, compileValidator, describeFields, payloadFrom, type JsonSchema } from '@/lib/schema'

const FAL_SEED = '1490631192028410600'
const V2V = catalog.find('fal-ai/ltx-2-19b/video-to-video')!
const BASE = { prompt: 'a cat', video_url: 'https://x/v.mp4' }

function messages(validator: ReturnType<typeof compileValidator>, input: unknown): string[] {
  const result = validator.safeParse(input)
  return result.success ? [] : result.error.issues.map((issue) => issue.message)
}

describe('an integer field', () => {
  const { validator } = compileSchema(V2V.input)

  it('accepts a safe integer number, or the digits of one beyond the safe range', () => {
    for (const seed of [0, 42, -7, Number.MAX_SAFE_INTEGER, FAL_SEED, `-${FAL_SEED}`, '18446744073709551615']) {
      const parsed = validator.safeParse({ ...BASE, seed })
      expect(parsed.success, String(seed)).toBe(true)
      // The value is kept as sent, digit for digit.
      expect(parsed.data?.seed).toBe(seed)
    }
  })

  it('refuses digits of a safe integer, rounded numbers, fractions and other text, naming the field', () => {
    for (const seed of ['42', String(Number.MAX_SAFE_INTEGER), 2 ** 60, 1.5, 'abc', `0${FAL_SEED}`, `${FAL_SEED}.0`, true]) {
      expect(messages(validator, { ...BASE, seed }), String(seed)).toEqual(['Seed must be a whole number'])
    }
  })

  it('still says which bound a number breaks', () => {
    expect(messages(validator, { ...BASE, num_frames: 5 })).toEqual(['Number of Frames must be 9 to 481'])
  })
})

describe('bounds on an integer beyond the safe range', () => {
  // 1490631192028410600 as a double is 1490631192028410624: bounds are compared with that exact value.
  const schema: JsonSchema = {
    type: 'object',
    properties: {
      low: { type: 'integer', title: 'Low', minimum: 1490631192028410600 },
      high: { type: 'integer', title: 'High', maximum: 1490631192028410600 },
      open: { type: 'integer', title: 'Open', exclusiveMinimum: 9007199254740992, exclusiveMaximum: 18446744073709551616 },
    },
  }
  const validator = compileValidator(schema)

  it('checks them exactly', () => {
    expect(messages(validator, { low: '1490631192028410624' })).toEqual([])
    expect(messages(validator, { low: '1490631192028410623' })).toEqual(['Low must be at least 1490631192028410600'])
    expect(messages(validator, { high: '1490631192028410624' })).toEqual([])
    expect(messages(validator, { high: '1490631192028410625' })).toEqual(['High must be at most 1490631192028410600'])
    expect(messages(validator, { open: '9007199254740993' })).toEqual([])
    expect(messages(validator, { open: '9007199254740992' })).toHaveLength(1)
    expect(messages(validator, { open: '18446744073709551615' })).toEqual([])
    expect(messages(validator, { open: '18446744073709551616' })).toHaveLength(1)
  })
})

describe('the form payload', () => {
  it('keeps a 64-bit seed as its digits', () => {
    const fields = describeFields(V2V.input)
    expect(payloadFrom({ ...BASE, seed: FAL_SEED }, fields).seed).toBe(FAL_SEED)
    expect(payloadFrom({ ...BASE, seed: 42 }, fields).seed).toBe(42)
  })
})
