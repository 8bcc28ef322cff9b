import { describe, expect, it } from 'vitest'
import { catalog } from '@/lib/endpoints'
import { compileSchema } from '@/lib/schema'
import { comparePath, differingParameters, parseCompareIds, type ComparedField } from '@/lib/takes/compare'

const FIELDS: Record<string, ComparedField[]> = {
  a: [
    { name: 'prompt', label: 'Prompt' },
    { name: 'num_frames', label: 'Number of Frames', defaultValue: 121 },
    { name: 'match_video_length', label: 'Match Video Length', defaultValue: true },
    { name: 'video_size', label: 'Video Size', defaultValue: 'auto' },
    { name: 'seed', label: 'Seed' },
    { name: 'loras', label: 'LoRAs', defaultValue: [] },
  ],
  b: [
    { name: 'prompt', label: 'Prompt' },
    { name: 'duration', label: 'Duration', defaultValue: 6 },
    { name: 'num_frames', label: 'Frames (b)', defaultValue: 121 },
  ],
}
const fieldsOf = (id: string) => FIELDS[id]

describe('differingParameters', () => {
  it('counts the seed, whether the input set it or fal picked it (stated in the output), digit for digit', () => {
    const picked = (seed: unknown) => ({ endpointId: 'a', input: { prompt: 'p' }, output: { video: {}, seed } })
    expect(differingParameters([picked('1490631192028410600'), picked('1490631192028410601')], fieldsOf)).toEqual([
      { name: 'seed', label: 'Seed', values: ['1490631192028410600', '1490631192028410601'] },
    ])
    expect(differingParameters([picked('1490631192028410600'), { endpointId: 'a', input: { prompt: 'p', seed: '1490631192028410600' } }], fieldsOf)).toEqual([])
    expect(differingParameters([picked(7), { endpointId: 'a', input: { prompt: 'p', seed: 8 } }], fieldsOf)).toEqual([{ name: 'seed', label: 'Seed', values: [7, 8] }])
    // An endpoint without a seed field takes nothing from its output.
    expect(differingParameters([{ endpointId: 'b', input: {}, output: { seed: 1 } }, { endpointId: 'b', input: {}, output: { seed: 2 } }], fieldsOf)).toEqual([])
  })

  it('lists exactly the parameters whose effective values differ, in field order, with every value', () => {
    const rows = differingParameters(
      [
        { endpointId: 'a', input: { prompt: 'same', video_size: 'square' } },
        { endpointId: 'a', input: { prompt: 'same', num_frames: 49, match_video_length: false } },
      ],
      fieldsOf,
    )
    expect(rows).toEqual([
      { name: 'num_frames', label: 'Number of Frames', values: [121, 49] },
      { name: 'match_video_length', label: 'Match Video Length', values: [true, false] },
      { name: 'video_size', label: 'Video Size', values: ['square', 'auto'] },
    ])
  })

  it('does not count a default set explicitly as a difference', () => {
    const rows = differingParameters(
      [
        { endpointId: 'a', input: { prompt: 'p' } },
        { endpointId: 'a', input: { prompt: 'p', num_frames: 121, match_video_length: true, loras: [] } },
      ],
      fieldsOf,
    )
    expect(rows).toEqual([])
  })

  it('compares objects and lists deeply', () => {
    const lora = { path: 'https://x/l.safetensors', scale: 1 }
    expect(
      differingParameters(
        [
          { endpointId: 'a', input: { video_size: { width: 512, height: 512 }, loras: [lora] } },
          { endpointId: 'a', input: { video_size: { height: 512, width: 512 }, loras: [{ ...lora }] } },
        ],
        fieldsOf,
      ),
    ).toEqual([])
    expect(
      differingParameters(
        [
          { endpointId: 'a', input: { loras: [lora] } },
          { endpointId: 'a', input: { loras: [{ ...lora, scale: 0.5 }] } },
        ],
        fieldsOf,
      ).map((row) => row.name),
    ).toEqual(['loras'])
  })

  it('keeps a value not set and not defaulted as undefined, and tells it from a set one', () => {
    const rows = differingParameters(
      [
        { endpointId: 'a', input: { seed: 7 } },
        { endpointId: 'a', input: {} },
        { endpointId: 'a', input: { seed: 7 } },
      ],
      fieldsOf,
    )
    expect(rows).toEqual([{ name: 'seed', label: 'Seed', values: [7, undefined, 7] }])
  })

  it('adds an Endpoint row and compares the union of fields across endpoints', () => {
    const rows = differingParameters(
      [
        { endpointId: 'a', input: { prompt: 'p' } },
        { endpointId: 'b', input: { prompt: 'p' } },
      ],
      fieldsOf,
    )
    expect(rows).toEqual([
      { name: 'endpoint', label: 'Endpoint', values: ['a', 'b'] },
      { name: 'match_video_length', label: 'Match Video Length', values: [true, undefined] },
      { name: 'video_size', label: 'Video Size', values: ['auto', undefined] },
      { name: 'loras', label: 'LoRAs', values: [[], undefined] },
      { name: 'duration', label: 'Duration', values: [undefined, 6] },
    ])
  })

  it('compares fields no schema describes by name, and takes of unknown endpoints on their input', () => {
    const rows = differingParameters(
      [
        { endpointId: 'gone', input: { prompt: 'p', extra: 1 } },
        { endpointId: 'gone', input: { prompt: 'p', extra: 2 } },
      ],
      fieldsOf,
    )
    expect(rows).toEqual([{ name: 'extra', label: 'extra', values: [1, 2] }])
  })

  it('works on a real endpoint schema', () => {
    const endpoint = catalog.find('fal-ai/ltx-2-19b/video-to-video')!
    const { fields } = compileSchema(endpoint.input)
    const real = (id: string) => (id === endpoint.id ? fields : undefined)
    const base = { prompt: 'p', video_url: 'https://example.com/v.mp4' }
    const rows = differingParameters(
      [
        { endpointId: endpoint.id, input: base },
        { endpointId: endpoint.id, input: { ...base, num_frames: 49, match_video_length: false } },
      ],
      real,
    )
    expect(rows.map((row) => [row.name, row.values])).toEqual([
      ['match_video_length', [true, false]],
      ['num_frames', [121, 49]],
    ])
  })
})

describe('parseCompareIds', () => {
  it('accepts two to four distinct ids', () => {
    expect(parseCompareIds('a,b')).toEqual({ ok: true, ids: ['a', 'b'] })
    expect(parseCompareIds(' a , b,c,d ')).toEqual({ ok: true, ids: ['a', 'b', 'c', 'd'] })
    expect(parseCompareIds(['a', 'b'])).toEqual({ ok: true, ids: ['a', 'b'] })
  })

  it('refuses fewer than two or more than four, counting repeats once', () => {
    for (const raw of [undefined, '', 'a', 'a,a', ',a,']) expect(parseCompareIds(raw).ok).toBe(false)
    expect(parseCompareIds('a,b,c,d,e')).toEqual({ ok: false, reason: expect.stringMatching(/At most 4/) })
    expect(parseCompareIds('a')).toEqual({ ok: false, reason: expect.stringMatching(/only one/) })
  })

  it('builds the address back', () => {
    expect(comparePath(['a', 'b c'])).toBe('/compare?ids=a,b%20c')
  })
})
