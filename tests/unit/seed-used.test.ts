import { describe, expect, it } from 'vitest'
import { catalog } from '@/lib/endpoints'
import { inputWithSeedUsed, seedOf, seedUsedBy, withSeedUsed } from '@/lib/takes/seed-used'

const FAL_SEED = '1490631192028410600'
const V2V = catalog.find('fal-ai/ltx-2-19b/video-to-video')!
const I2V = catalog.find('fal-ai/ltx-2/image-to-video')!
const INPUT = { prompt: 'a cat', video_url: 'https://x/v.mp4' }

describe('seedOf', () => {
  it('reads the seed an output states, exactly', () => {
    expect(seedOf({ seed: FAL_SEED })).toBe(FAL_SEED)
    expect(seedOf({ seed: 175932751 })).toBe(175932751)
    expect(seedOf({ seed: '42' })).toBe(42)
    expect(seedOf({ seed: `-${FAL_SEED}` })).toBe(`-${FAL_SEED}`)
  })

  it('reads no seed from an output without one, or with one that was rounded or is not an integer', () => {
    for (const output of [null, undefined, [], 'x', {}, { seed: 2 ** 60 }, { seed: 1.5 }, { seed: 'abc' }, { seed: null }]) expect(seedOf(output), JSON.stringify(output)).toBeUndefined()
  })
})

describe('inputWithSeedUsed', () => {
  it("sets the seed fal used when the input set none, keeping every digit and the rest of the input", () => {
    const input = { ...INPUT, num_frames: 121 }
    const settled = inputWithSeedUsed(input, { video: { url: 'https://x/o.mp4' }, seed: FAL_SEED }, V2V.input)
    expect(settled).toEqual({ ...input, seed: FAL_SEED })
    expect(input).not.toHaveProperty('seed')
    expect(inputWithSeedUsed(INPUT, { seed: 7 }, V2V.input)).toEqual({ ...INPUT, seed: 7 })
  })

  it('keeps the seed the input set', () => {
    const input = { ...INPUT, seed: 5 }
    expect(inputWithSeedUsed(input, { seed: FAL_SEED }, V2V.input)).toBe(input)
  })

  it("leaves the input alone when the endpoint's input has no seed, or the output states none", () => {
    const i2v = { prompt: 'x', image_url: 'https://x/i.png' }
    expect(inputWithSeedUsed(i2v, { seed: 3 }, I2V.input)).toBe(i2v)
    expect(inputWithSeedUsed(INPUT, { video: {} }, V2V.input)).toBe(INPUT)
    expect(inputWithSeedUsed(INPUT, null, V2V.input)).toBe(INPUT)
  })
})

describe('seedUsedBy and withSeedUsed', () => {
  it("give the input's seed first, else the output's", () => {
    expect(seedUsedBy({ input: { seed: 5 }, output: { seed: 9 } })).toBe(5)
    expect(seedUsedBy({ input: {}, output: { seed: FAL_SEED } })).toBe(FAL_SEED)
    expect(seedUsedBy({ input: {}, output: null })).toBeUndefined()
    expect(withSeedUsed({ a: 1 }, { seed: FAL_SEED })).toEqual({ a: 1, seed: FAL_SEED })
  })
})
