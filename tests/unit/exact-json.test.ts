import { describe, expect, it } from 'vitest'
import { LosslessNumber, parse as losslessParse, stringify as losslessStringify } from 'lossless-json'
import {
  bigIntOf,
  compareWithBound,
  exactIntegerFromText,
  exactIntegerOf,
  isExactInteger,
  isUnsafeIntegerDigits,
} from '@/lib/json/exact-integer'
import { parseExactJson, replaceIntegerDigits, safeJsonText, stringifyExactJson } from '@/lib/json/exact-json'
import { integerPathsOf } from '@/lib/schema/integer-paths'
import type { JsonSchema } from '@/lib/schema'

/** fal's documented seed: JSON.parse reads it as 1490631192028410624. */
const FAL_SEED = '1490631192028410600'
const MAX_SAFE = String(Number.MAX_SAFE_INTEGER)
const JUST_UNSAFE = '9007199254740992'

describe('the exact-integer rule', () => {
  it('is a safe integer number, or the digits of an integer beyond the safe range', () => {
    expect(isExactInteger(42)).toBe(true)
    expect(isExactInteger(-7)).toBe(true)
    expect(isExactInteger(Number.MAX_SAFE_INTEGER)).toBe(true)
    expect(isExactInteger(FAL_SEED)).toBe(true)
    expect(isExactInteger(`-${FAL_SEED}`)).toBe(true)
    expect(isExactInteger(JUST_UNSAFE)).toBe(true)
    // One form per value: a safe integer is never digits, an unsafe one never a number.
    expect(isExactInteger('42')).toBe(false)
    expect(isExactInteger(MAX_SAFE)).toBe(false)
    expect(isExactInteger(2 ** 60)).toBe(false)
    expect(isExactInteger(1.5)).toBe(false)
    for (const text of ['01490631192028410600', '+1490631192028410600', '1490631192028410600.0', '1e19', ' 1490631192028410600', '-0', ''])
      expect(isUnsafeIntegerDigits(text), text).toBe(false)
  })

  it('converts from bigints and texts, and back, without rounding', () => {
    expect(exactIntegerOf(BigInt(FAL_SEED))).toBe(FAL_SEED)
    expect(exactIntegerOf(BigInt(MAX_SAFE))).toBe(Number.MAX_SAFE_INTEGER)
    expect(exactIntegerOf(-BigInt(JUST_UNSAFE))).toBe(`-${JUST_UNSAFE}`)
    expect(exactIntegerFromText(` ${FAL_SEED} `)).toBe(FAL_SEED)
    expect(exactIntegerFromText('0042')).toBe(42)
    expect(exactIntegerFromText('+7')).toBe(7)
    expect(exactIntegerFromText('-0')).toBe(0)
    for (const text of ['1.5', '1e3', '', 'abc', '12a']) expect(exactIntegerFromText(text), text).toBeUndefined()
    expect(bigIntOf(FAL_SEED)).toBe(BigInt(FAL_SEED))
    expect(bigIntOf(42)).toBe(BigInt(42))
    expect(() => bigIntOf(2 ** 60)).toThrow(RangeError)
  })

  it('compares with a JSON Schema bound exactly', () => {
    const seed = BigInt(FAL_SEED)
    // The bound 1490631192028410600 is the double 1490631192028410624: the seed is below it.
    expect(compareWithBound(seed, 1490631192028410600)).toBe(-1)
    expect(compareWithBound(seed + BigInt(24), 1490631192028410600)).toBe(0)
    expect(compareWithBound(BigInt(3), 2.5)).toBe(1)
    expect(compareWithBound(BigInt(2), 2.5)).toBe(-1)
    expect(compareWithBound(BigInt(-3), -2.5)).toBe(-1)
    expect(compareWithBound(seed, Infinity)).toBe(-1)
  })
})

describe('parseExactJson', () => {
  it('reads unsafe integers as their digits and every other number as a number', () => {
    const text = `{"seed":${FAL_SEED},"neg":-${FAL_SEED},"edge":${JUST_UNSAFE},"safe":${MAX_SAFE},"fraction":0.25,"exp":1e3,"big":1.5e300,"list":[${FAL_SEED},1],"text":"${FAL_SEED}"}`
    expect(parseExactJson(text)).toEqual({
      seed: FAL_SEED,
      neg: `-${FAL_SEED}`,
      edge: JUST_UNSAFE,
      safe: Number.MAX_SAFE_INTEGER,
      fraction: 0.25,
      exp: 1000,
      big: 1.5e300,
      list: [FAL_SEED, 1],
      text: FAL_SEED,
    })
  })

  it('agrees with JSON.parse on everything else: repeated keys, __proto__, strings, errors', () => {
    for (const text of [
      `{"a":1,"a":2,"pad":"${FAL_SEED}"}`,
      `{"__proto__":{"polluted":true},"pad":"${FAL_SEED}"}`,
      `{"s":"\\u00e9\\n\\"","n":null,"t":true,"pad":"${FAL_SEED}"}`,
      '[1, 2.5, "x"]',
    ])
      expect(parseExactJson(text)).toEqual(JSON.parse(text))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    for (const text of [`{"seed":${FAL_SEED}`, '{"a":01}', `{"a":0${FAL_SEED}}`, `{${FAL_SEED}:1}`, `{"a":1,${FAL_SEED}:2}`, `"${FAL_SEED}`, ''])
      expect(() => parseExactJson(text), text).toThrow(SyntaxError)
  })

  it('never touches digits inside strings, fractions or exponents', () => {
    const text = `{"a":"x\\" ${FAL_SEED}","b":0.${FAL_SEED},"c":${FAL_SEED}.5,"e":${FAL_SEED}e2,"f":[ ${FAL_SEED} ]}`
    expect(parseExactJson(text)).toEqual({ a: `x" ${FAL_SEED}`, b: Number(`0.${FAL_SEED}`), c: Number(`${FAL_SEED}.5`), e: Number(`${FAL_SEED}e2`), f: [FAL_SEED] })
    expect(parseExactJson(`${FAL_SEED}`)).toBe(FAL_SEED)
    expect(parseExactJson(` -${FAL_SEED}\n`)).toBe(`-${FAL_SEED}`)
  })

  it('reads what lossless-json reads, on random documents', () => {
    let state = 12345
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const pick = <T,>(items: T[]): T => items[Math.floor(random() * items.length)]!
    const digits = (n: number) => Array.from({ length: n }, (_, i) => String(i === 0 ? 1 + Math.floor(random() * 9) : Math.floor(random() * 10))).join('')
    const value = (depth: number): unknown => {
      const kind = Math.floor(random() * (depth > 2 ? 5 : 7))
      if (kind === 0) return new LosslessNumber(`${pick(['', '-'])}${digits(1 + Math.floor(random() * 25))}`)
      if (kind === 1) return new LosslessNumber(pick([`${digits(3)}.${digits(18)}`, `${digits(17)}e${digits(1)}`, `-0.${digits(20)}`, '0', '-0']))
      if (kind === 2) return pick([`text ${digits(19)}`, `q"${digits(17)}\\`, `:${digits(18)},`, '', 'é ü', `${digits(20)}`])
      if (kind === 3) return pick([true, false, null])
      if (kind === 4) return digits(2)
      if (kind === 5) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1))
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, (_, i) => [`k${i}${digits(16)}`, value(depth + 1)]))
    }
    const oracle = (literal: string) => (/^-?\d+$/.test(literal) && !Number.isSafeInteger(Number(literal)) ? BigInt(literal).toString() : Number(literal))
    for (let round = 0; round < 300; round++) {
      const text = losslessStringify(value(0), null, pick([undefined, 1]))!
      expect(parseExactJson(text), text).toEqual(losslessParse(text, null, oracle))
    }
  })

  it('reads a 40 MB submit (a video as a data URI) in well under a second or two', () => {
    const text = `{"prompt":"x","video_url":"data:video/mp4;base64,${'A1234567890123456789'.repeat(2_000_000)}","seed":${FAL_SEED}}`
    const started = performance.now()
    const parsed = parseExactJson(text) as { seed: unknown }
    expect(parsed.seed).toBe(FAL_SEED)
    expect(performance.now() - started).toBeLessThan(4000)
  })
})

describe('stringifyExactJson', () => {
  const onlySeed = (path: readonly (string | number)[]) => path.length === 1 && path[0] === 'seed'

  it('writes digit strings at integer paths as raw numbers, and leaves other strings alone', () => {
    const value = { seed: FAL_SEED, prompt: FAL_SEED, small: 5, nested: { seed: FAL_SEED } }
    expect(stringifyExactJson(value, onlySeed)).toBe(`{"seed":${FAL_SEED},"prompt":"${FAL_SEED}","small":5,"nested":{"seed":"${FAL_SEED}"}}`)
    expect(stringifyExactJson(value)).toBe(JSON.stringify(value))
  })

  it('round-trips through parseExactJson digit for digit', () => {
    const text = `{"seed":${FAL_SEED},"video":{"width":1280}}`
    expect(stringifyExactJson(parseExactJson(text), onlySeed)).toBe(text)
  })

  it('drops undefined members as JSON.stringify does', () => {
    expect(stringifyExactJson({ seed: FAL_SEED, gone: undefined }, onlySeed)).toBe(`{"seed":${FAL_SEED}}`)
  })
})

describe('replaceIntegerDigits', () => {
  it('returns the value itself when nothing is replaced, and never changes it', () => {
    const value = { seed: 42, list: [1, 2] }
    expect(replaceIntegerDigits(value, () => true, () => 'x')).toBe(value)
    const big = { seed: FAL_SEED, keep: [1] }
    const replaced = replaceIntegerDigits(big, () => true, (digits) => `<${digits}>`) as typeof big
    expect(replaced).toEqual({ seed: `<${FAL_SEED}>`, keep: [1] })
    expect(replaced.keep).toBe(big.keep)
    expect(big.seed).toBe(FAL_SEED)
  })
})

describe('safeJsonText', () => {
  it('quotes unsafe integers so JSON.parse reads them exactly, and leaves other text as it is', () => {
    const text = `{"seed": ${FAL_SEED}, "n": 1}`
    expect(JSON.parse(safeJsonText(text))).toEqual({ seed: FAL_SEED, n: 1 })
    const plain = '{"seed": 42}'
    expect(safeJsonText(plain)).toBe(plain)
  })
})

describe('integerPathsOf', () => {
  const schema: JsonSchema = {
    type: 'object',
    properties: {
      seed: { type: 'integer' },
      prompt: { type: 'string' },
      guidance: { type: 'number' },
      size: { anyOf: [{ type: 'string', enum: ['auto'] }, { type: 'object', properties: { width: { type: 'integer' } } }] },
      loras: { type: 'array', items: { type: 'object', properties: { steps: { type: 'integer' }, path: { type: 'string' } } } },
      maybe: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
    },
  }
  const isInteger = integerPathsOf(schema)

  it('finds integers through properties, unions and array items', () => {
    expect(isInteger(['seed'])).toBe(true)
    expect(isInteger(['size', 'width'])).toBe(true)
    expect(isInteger(['loras', 3, 'steps'])).toBe(true)
    expect(isInteger(['maybe'])).toBe(true)
  })

  it('refuses everything else', () => {
    for (const path of [[], ['prompt'], ['guidance'], ['size'], ['loras', 0, 'path'], ['loras', 'steps'], ['constructor'], ['__proto__'], ['seed', 'x']])
      expect(isInteger(path), JSON.stringify(path)).toBe(false)
  })
})
