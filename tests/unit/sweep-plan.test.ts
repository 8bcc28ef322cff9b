import { describe, expect, it } from 'vitest'
import { describeFields, type FieldDescriptor, type Payload } from '@/lib/schema'
import {
  MAX_AXIS_VALUES,
  SEED_FIELD,
  SEED_LIMIT,
  cellValues,
  parseSweepValue,
  rangeValues,
  seedOfCell,
  seedOfRecord,
  seedRecordOf,
  sweepInputs,
  sweepSize,
  sweepableFields,
  type SweepableField,
  type SweepAxis,
} from '@/lib/sweeps/sweep-plan'
import { axisValues, distinctSeeds, draftFor, parseList, parseRange, valueProblem } from '@/lib/sweeps/axis-input'

const FIELDS: FieldDescriptor[] = describeFields({
  type: 'object',
  properties: {
    prompt: { type: 'string' },
    num_inference_steps: { type: 'integer', minimum: 8, maximum: 50, default: 30 },
    guidance_scale: { type: 'number', minimum: 1, maximum: 10, default: 3 },
    strength: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    resolution: { type: 'string', enum: ['480p', '720p', '1080p'], default: '720p' },
    fps: { type: 'integer', enum: [24, 25] },
    enable_audio: { type: 'boolean', default: true },
    seed: { type: 'integer' },
  },
  required: ['prompt'],
})

function field(name: string): SweepableField {
  const found = sweepableFields(FIELDS).find((candidate) => candidate.name === name)
  if (!found) throw new Error(`No sweepable field ${name}`)
  return found
}

describe('sweepableFields', () => {
  it('keeps numbers, enums and booleans, in form order', () => {
    expect(sweepableFields(FIELDS).map((candidate) => candidate.name)).toEqual([
      'num_inference_steps',
      'guidance_scale',
      'strength',
      'resolution',
      'fps',
      'enable_audio',
      'seed',
    ])
  })
})

describe('rangeValues', () => {
  it('spreads floats evenly, both ends included', () => {
    expect(rangeValues(2, 5, 3, false)).toEqual([2, 3.5, 5])
    expect(rangeValues(0, 1, 4, false)).toEqual([0, 0.3333333333, 0.6666666667, 1])
  })

  it('rounds integers and drops the repeats rounding makes', () => {
    expect(rangeValues(8, 20, 3, true)).toEqual([8, 14, 20])
    expect(rangeValues(1, 3, 5, true)).toEqual([1, 2, 3])
    expect(rangeValues(0, 1, 4, true)).toEqual([0, 1])
  })

  it('counts down as well as up', () => {
    expect(rangeValues(5, 1, 3, true)).toEqual([5, 3, 1])
  })

  it('gives just `from` for one step', () => {
    expect(rangeValues(7, 20, 1, true)).toEqual([7])
    expect(rangeValues(2.5, 9, 1, false)).toEqual([2.5])
  })

  it('gives nothing for steps or bounds that are not numbers', () => {
    expect(rangeValues(1, 2, 0, false)).toEqual([])
    expect(rangeValues(1, 2, 2.5, false)).toEqual([])
    expect(rangeValues(Number.NaN, 2, 3, false)).toEqual([])
  })
})

describe('cellValues and sweepSize', () => {
  const axes: SweepAxis[] = [
    { field: 'resolution', values: ['480p', '720p'] },
    { field: 'num_inference_steps', values: [8, 20, 30] },
  ]

  it('orders a 2 × 3 sweep row by row', () => {
    expect(Array.from({ length: 6 }, (_, index) => cellValues(axes, index))).toEqual([
      { resolution: '480p', num_inference_steps: 8 },
      { resolution: '480p', num_inference_steps: 20 },
      { resolution: '480p', num_inference_steps: 30 },
      { resolution: '720p', num_inference_steps: 8 },
      { resolution: '720p', num_inference_steps: 20 },
      { resolution: '720p', num_inference_steps: 30 },
    ])
  })

  it('counts the takes', () => {
    expect(sweepSize(axes)).toBe(6)
    expect(sweepSize(axes.slice(0, 1))).toBe(2)
    expect(sweepSize([])).toBe(0)
    expect(sweepSize([{ field: 'fps', values: [] }])).toBe(0)
  })
})

describe('sweepInputs', () => {
  const base: Payload = { prompt: 'a cat', guidance_scale: 4 }
  const axes: SweepAxis[] = [{ field: 'num_inference_steps', values: [8, 20, 30] }]

  it("sets each cell's values over the base input, with the same seed everywhere", () => {
    expect(sweepInputs(base, axes, 42, false)).toEqual([
      { prompt: 'a cat', guidance_scale: 4, num_inference_steps: 8, seed: 42 },
      { prompt: 'a cat', guidance_scale: 4, num_inference_steps: 20, seed: 42 },
      { prompt: 'a cat', guidance_scale: 4, num_inference_steps: 30, seed: 42 },
    ])
  })

  it('gives each take its own seed when seeds vary', () => {
    const seeds = sweepInputs(base, axes, SEED_LIMIT - 2, true).map((input) => input[SEED_FIELD])
    expect(seeds).toEqual([SEED_LIMIT - 2, SEED_LIMIT - 1, 0])
    expect(new Set(seeds).size).toBe(3)
  })

  it('keeps the swept seeds when the seed is an axis', () => {
    const seedAxis: SweepAxis[] = [{ field: SEED_FIELD, values: [1, 2] }]
    expect(sweepInputs(base, seedAxis, 42, false).map((input) => input[SEED_FIELD])).toEqual([1, 2])
    expect(sweepInputs(base, seedAxis, 42, true).map((input) => input[SEED_FIELD])).toEqual([1, 2])
  })

  it('sets no seed without one (an endpoint without a seed, or an estimate)', () => {
    expect(sweepInputs(base, axes, null, false).every((input) => !(SEED_FIELD in input))).toBe(true)
  })

  it('leaves the base input untouched', () => {
    const before = structuredClone(base)
    sweepInputs(base, [...axes, { field: 'guidance_scale', values: [1, 2] }], 7, true)
    expect(base).toEqual(before)
  })

  it('counts seeds up from the shared one, wrapping at 2³²', () => {
    expect(seedOfCell(5, 3, false)).toBe(5)
    expect(seedOfCell(5, 3, true)).toBe(8)
    expect(seedOfCell(SEED_LIMIT - 1, 1, true)).toBe(0)
  })

  it('counts 64-bit seeds exactly, wrapping at 2⁶⁴, and reads seeds as sweep records keep them', () => {
    expect(seedOfCell('1490631192028410600', 3, true)).toBe('1490631192028410603')
    expect(seedOfCell('1490631192028410600', 3, false)).toBe('1490631192028410600')
    expect(seedOfCell('18446744073709551615', 1, true)).toBe(0)
    expect(seedOfCell(Number.MAX_SAFE_INTEGER, 1, true)).toBe('9007199254740992')
    // A record keeps digits; a small seed comes back as a number.
    expect(seedOfCell('42', 1, true)).toBe(43)
    expect(seedRecordOf('1490631192028410600')).toBe('1490631192028410600')
    expect(seedRecordOf(42)).toBe('42')
    expect(seedRecordOf(null)).toBeNull()
    expect(seedOfRecord('42')).toBe(42)
    expect(seedOfRecord('1490631192028410600')).toBe('1490631192028410600')
    expect(seedOfRecord(null)).toBeNull()
    expect(sweepInputs({ prompt: 'x' }, [{ field: 'guidance_scale', values: [1, 2] }], '1490631192028410600', true).map((input) => input[SEED_FIELD])).toEqual([
      '1490631192028410600',
      '1490631192028410601',
    ])
  })

  it('reads a 64-bit seed typed in a list digit for digit', () => {
    expect(parseSweepValue(field('seed'), ' 1490631192028410600 ')).toBe('1490631192028410600')
    expect(parseSweepValue(field('seed'), '42')).toBe(42)
    expect(parseSweepValue(field('guidance_scale'), '1490631192028410600')).toBe(1490631192028410600)
  })
})

describe('parseSweepValue', () => {
  it('reads numbers', () => {
    expect(parseSweepValue(field('guidance_scale'), ' 3.5 ')).toBe(3.5)
    expect(parseSweepValue(field('guidance_scale'), 'abc')).toBeUndefined()
    expect(parseSweepValue(field('guidance_scale'), '')).toBeUndefined()
    expect(parseSweepValue(field('guidance_scale'), 'Infinity')).toBeUndefined()
  })

  it('reads enum options, keeping their type', () => {
    expect(parseSweepValue(field('resolution'), '1080p')).toBe('1080p')
    expect(parseSweepValue(field('resolution'), '4k')).toBeUndefined()
    expect(parseSweepValue(field('fps'), '25')).toBe(25)
  })

  it('reads booleans', () => {
    expect(parseSweepValue(field('enable_audio'), 'true')).toBe(true)
    expect(parseSweepValue(field('enable_audio'), ' false')).toBe(false)
    expect(parseSweepValue(field('enable_audio'), 'yes')).toBeUndefined()
  })
})

describe('axis input', () => {
  it('starts enums and booleans with every value, and a number range at its bounds', () => {
    expect(draftFor(field('resolution')).list).toBe('480p, 720p, 1080p')
    expect(draftFor(field('enable_audio')).list).toBe('true, false')
    expect(draftFor(field('num_inference_steps'))).toMatchObject({ list: '', from: '8', to: '50', steps: '3' })
    expect(draftFor(field('strength'))).toMatchObject({ from: '', to: '' })
  })

  it('parses a list in order', () => {
    expect(parseList(field('num_inference_steps'), '8, 20')).toEqual({ values: [8, 20], errors: {} })
    expect(parseList(field('guidance_scale'), '2,3.5, 5,')).toEqual({ values: [2, 3.5, 5], errors: {} })
    expect(parseList(field('resolution'), '720p, 480p').values).toEqual(['720p', '480p'])
    expect(parseList(field('enable_audio'), 'true, false').values).toEqual([true, false])
    expect(parseList(field('guidance_scale'), '')).toEqual({ values: [], errors: {} })
  })

  it('names each entry that is wrong', () => {
    expect(parseList(field('guidance_scale'), '2, abc').errors.list).toBe('“abc” is not a number')
    expect(parseList(field('num_inference_steps'), '8, 2.5, 60, 4').errors.list).toBe(
      '“2.5” is not a whole number; “60” is above the maximum 50; “4” is below the minimum 8',
    )
    expect(parseList(field('strength'), '0, 0.5, 1').errors.list).toBe('“0” must be greater than 0; “1” must be less than 1')
    expect(parseList(field('resolution'), '4k').errors.list).toBe('“4k” is not one of 480p, 720p, 1080p')
    expect(parseList(field('enable_audio'), 'yes').errors.list).toBe('“yes” is not true or false')
    expect(parseList(field('guidance_scale'), '2, 2.0').errors.list).toBe('“2.0” is listed twice')
  })

  it('refuses more than the most values an axis takes', () => {
    const list = Array.from({ length: MAX_AXIS_VALUES + 1 }, (_, index) => index + 8).join(', ')
    expect(parseList(field('num_inference_steps'), list).errors.list).toBe(`At most ${MAX_AXIS_VALUES} values (this list has ${MAX_AXIS_VALUES + 1})`)
  })

  it('checks a value against the field', () => {
    expect(valueProblem(field('guidance_scale'), 10)).toBeUndefined()
    expect(valueProblem(field('guidance_scale'), 10.5)).toBe('“10.5” is above the maximum 10')
    expect(valueProblem(field('resolution'), '720p')).toBeUndefined()
  })

  it('spreads a range, naming each wrong input', () => {
    expect(parseRange(field('num_inference_steps'), '8', '20', '3')).toEqual({ values: [8, 14, 20], errors: {} })
    expect(parseRange(field('guidance_scale'), '2', '5', '3').values).toEqual([2, 3.5, 5])
    expect(parseRange(field('num_inference_steps'), 'x', '60', '13')).toEqual({
      values: [],
      errors: { from: '“x” is not a number', to: '“60” is above the maximum 50', steps: `Steps must be a whole number from 1 to ${MAX_AXIS_VALUES}` },
    })
    expect(parseRange(field('num_inference_steps'), '', '20', '2').errors).toEqual({ from: 'Enter a number' })
  })

  it("uses the draft's mode, a range only for numbers", () => {
    const steps = { ...draftFor(field('num_inference_steps')), list: '9', from: '10', to: '12', steps: '3' }
    expect(axisValues(field('num_inference_steps'), steps).values).toEqual([9])
    expect(axisValues(field('num_inference_steps'), { ...steps, mode: 'range' }).values).toEqual([10, 11, 12])
    expect(axisValues(field('resolution'), { ...draftFor(field('resolution')), mode: 'range' }).values).toEqual(['480p', '720p', '1080p'])
  })

  it('picks distinct seeds for variations', () => {
    const draws = [5, 5, 7, 5, 9]
    expect(distinctSeeds(3, () => draws.shift()!)).toEqual([5, 7, 9])
    const seeds = distinctSeeds(12)
    expect(new Set(seeds).size).toBe(12)
    expect(seeds.every((seed) => Number.isInteger(seed) && seed >= 0 && seed < SEED_LIMIT)).toBe(true)
  })
})
