import { describe, expect, it } from 'vitest'
import { catalog } from '@/lib/endpoints'
import type { InputMediaFacts } from '@/lib/generation/output-shape'
import {
  SIZE_PRESETS,
  effectiveInput,
  resolveOutputShape,
  resolveOutputShapeWithAssumptions,
  toLtxFrameCount,
} from '@/lib/generation/output-shape'
import {
  billedAboveEstimate,
  billedMegapixels,
  billedTake,
  estimateTake,
  pricedEndpoint,
  formatUsd,
  perMegapixelAmount,
  priceLine,
  settledBill,
  type PricedEndpoint,
} from '@/lib/pricing'
import { compileSchema, type Payload } from '@/lib/schema'

const V2V = 'fal-ai/ltx-2-19b/video-to-video'
const A2V = 'fal-ai/ltx-2-19b/distilled/audio-to-video/lora'
const V2V_23 = 'fal-ai/ltx-2.3-22b/video-to-video'
const PRO = 'fal-ai/ltx-2/image-to-video'
const REF = 'fal-ai/ltx-2.3-22b/distilled/reference-video-to-video/lora'

const VIDEO_URL = 'https://example.com/input.mp4'
const IMAGE_URL = 'https://example.com/input.png'
const AUDIO_URL = 'https://example.com/input.mp3'

function endpoint(id: string) {
  const found = catalog.find(id)
  if (!found) throw new Error(`No endpoint ${id}`)
  return found
}

function priced(id: string): PricedEndpoint {
  const found = endpoint(id)
  return pricedEndpoint(found, compileSchema(found.input))
}

/** A video-to-video payload whose price depends on nothing but its own values. */
function fixedV2v(extra: Payload = {}): Payload {
  return { prompt: 'a take', video_url: VIDEO_URL, match_video_length: false, match_input_fps: false, ...extra }
}

describe('the worked examples', () => {
  it('1280 × 720 × 121 is 111.5 MP, billed as 112', () => {
    expect(billedMegapixels(1280, 720, 121)).toBe(112)
  })

  it('prices 112 MP at each published per-megapixel rate', () => {
    expect(perMegapixelAmount(1280, 720, 121, 0.0018)).toBe(0.2016)
    expect(perMegapixelAmount(1280, 720, 121, 0.001)).toBe(0.112)
    const ltx23 = perMegapixelAmount(1280, 720, 121, 0.001605)
    expect(ltx23).toBe(0.17976)
    expect(Math.trunc(ltx23 * 1000) / 1000).toBe(0.179)
  })

  it('uses the rates in the catalog', () => {
    const rates = [V2V, A2V, V2V_23, REF].map((id) => {
      const rule = endpoint(id).pricing
      return rule.kind === 'per_megapixel' ? rule.usdPerMegapixel : undefined
    })
    expect(rates).toEqual([0.0018, 0.001, 0.001605, 0.001405])
  })

  it('a custom 1280 × 720 is generated at 1280 × 704: 110 MP, $0.1980', () => {
    const estimate = estimateTake(priced(V2V), fixedV2v({ video_size: { width: 1280, height: 720 } }), {})
    expect(estimate.shape).toMatchObject({ width: 1280, height: 704, numFrames: 121 })
    expect(estimate.megapixels).toBe(110)
    expect(estimate.amount).toBe(0.198)
    expect(estimate.breakdown).toBe('1280 × 704 × 121 = 110 MP × $0.0018 = $0.1980')
    expect(estimate.assumptions).toEqual([])
  })

  it('LTX-2 Pro: 6 s at 1080p is $0.36', () => {
    const estimate = estimateTake(priced(PRO), { image_url: IMAGE_URL, prompt: 'x', duration: 6, resolution: '1080p' }, {})
    expect(estimate.amount).toBe(0.36)
    expect(estimate.breakdown).toBe('6 s × $0.06/s at 1080p = $0.3600')
    expect(estimate.megapixels).toBeUndefined()
    expect(estimate.assumptions).toEqual([])
  })

  it('LTX-2 Pro: 10 s at 2160p is $2.40', () => {
    const estimate = estimateTake(priced(PRO), { image_url: IMAGE_URL, prompt: 'x', duration: 10, resolution: '2160p' }, {})
    expect(estimate.amount).toBe(2.4)
    expect(estimate.breakdown).toBe('10 s × $0.24/s at 2160p = $2.4000')
    expect(estimate.shape).toMatchObject({ width: 3840, height: 2160, duration: 10, numFrames: 250 })
  })

  it('LTX-2 Pro: 8 s at 1440p at the defaults otherwise', () => {
    const estimate = estimateTake(priced(PRO), { duration: 8, resolution: '1440p' }, {})
    expect(estimate.breakdown).toBe('8 s × $0.12/s at 1440p = $0.9600')
  })
})

describe('formatUsd', () => {
  it('prints four decimals', () => {
    expect(formatUsd(0.198)).toBe('$0.1980')
    expect(formatUsd(2.4)).toBe('$2.4000')
    expect(formatUsd(0.17976)).toBe('$0.1798')
    expect(formatUsd(0)).toBe('$0.0000')
    expect(formatUsd(0.15455)).toBe('$0.1546')
    expect(formatUsd(0.17655)).toBe('$0.1766')
  })

  it('rates print as the rule states them', () => {
    const estimate = estimateTake(priced(V2V_23), fixedV2v({ video_size: { width: 1280, height: 704 } }), {})
    expect(estimate.breakdown).toBe('1280 × 704 × 121 = 110 MP × $0.001605 = $0.1766')
    expect(estimate.amount).toBe(0.17655)
  })
})

describe('video_size', () => {
  it.each(Object.entries(SIZE_PRESETS))('preset %s', (preset, size) => {
    const estimate = estimateTake(priced(V2V), fixedV2v({ video_size: preset }), {})
    const megapixels = Math.ceil((size.width * size.height * 121) / 1e6)
    expect(estimate.shape).toMatchObject({ width: size.width, height: size.height, numFrames: 121 })
    expect(estimate.megapixels).toBe(megapixels)
    expect(estimate.amount).toBeCloseTo(megapixels * 0.0018, 10)
    expect(estimate.breakdown).toBe(`${size.width} × ${size.height} × 121 = ${megapixels} MP × $0.0018 = ${formatUsd(megapixels * 0.0018)}`)
    expect(estimate.assumptions).toEqual([])
  })

  it('lists every fal preset', () => {
    expect(Object.keys(SIZE_PRESETS).sort()).toEqual(
      ['landscape_16_9', 'landscape_4_3', 'portrait_16_9', 'portrait_4_3', 'square', 'square_hd'].sort(),
    )
  })

  it('auto follows the input video', () => {
    const media: InputMediaFacts = { video: { width: 1920, height: 1080, duration: 5, fps: 25 } }
    const estimate = estimateTake(priced(V2V), fixedV2v({ video_size: 'auto' }), media)
    expect(estimate.shape).toMatchObject({ width: 1920, height: 1056 })
    expect(estimate.breakdown).toBe('1920 × 1056 × 121 = 246 MP × $0.0018 = $0.4428')
    expect(estimate.assumptions).toEqual([])
  })

  it('auto follows the input image when there is no video', () => {
    const media: InputMediaFacts = { image: { width: 1000, height: 1500 }, audio: { duration: 4 } }
    const payload: Payload = { prompt: 'x', audio_url: AUDIO_URL, image_url: IMAGE_URL, video_size: 'auto' }
    const estimate = estimateTake(priced(A2V), payload, media)
    expect(estimate.shape).toMatchObject({ width: 992, height: 1472 })
    expect(estimate.assumptions).toEqual([])
  })

  it('auto prefers the video to the image', () => {
    const media: InputMediaFacts = { video: { width: 640, height: 480 }, image: { width: 1024, height: 1024 } }
    const estimate = estimateTake(priced(V2V), fixedV2v({ image_url: IMAGE_URL }), media)
    expect(estimate.shape).toMatchObject({ width: 640, height: 480 })
  })

  it("auto with a chosen input video whose size is unknown is priced at the largest size the schema allows, and says so", () => {
    const estimate = estimateTake(priced(V2V), fixedV2v({ video_size: 'auto' }), {})
    expect(estimate.shape).toMatchObject({ width: 14112, height: 14112 })
    expect(estimate.assumptions).toEqual(["The input video's size is not known: priced at the largest size the schema allows, 14112 × 14112"])
  })

  it('auto before any input video is chosen assumes 1280 × 704 (nothing to bound yet)', () => {
    const estimate = estimateTake(priced(V2V), { prompt: 'x', video_size: 'auto', match_video_length: false, match_input_fps: false }, {})
    expect(estimate.shape).toMatchObject({ width: 1280, height: 704 })
  })

  it("auto with the input image's size unknown names the image", () => {
    const payload: Payload = { prompt: 'x', audio_url: AUDIO_URL, image_url: IMAGE_URL, video_size: 'auto', match_audio_length: false }
    const estimate = estimateTake(priced(A2V), payload, {})
    expect(estimate.assumptions).toEqual(["The input image's size is not known: priced at the largest size the schema allows, 14112 × 14112"])
  })

  it('auto without any picture input is the documented fallback, not an assumption', () => {
    const payload: Payload = { prompt: 'x', audio_url: AUDIO_URL, video_size: 'auto' }
    const estimate = estimateTake(priced(A2V), payload, { audio: { duration: 4.84 } })
    expect(estimate.shape).toMatchObject({ width: 1280, height: 704, numFrames: 121 })
    expect(estimate.assumptions).toEqual([])
  })

  it('the default (auto, when the payload leaves video_size out) behaves as auto', () => {
    const { video_size: _size, ...withoutSize } = fixedV2v()
    const estimate = estimateTake(priced(V2V), withoutSize, { video: { width: 854, height: 480 } })
    expect(estimate.shape).toMatchObject({ width: 832, height: 480 })
  })

  it('an unknown preset name is treated as auto and said', () => {
    const estimate = estimateTake(priced(V2V), fixedV2v({ video_size: 'huge' }), { video: { width: 640, height: 480 } })
    expect(estimate.shape).toMatchObject({ width: 640, height: 480 })
    expect(estimate.assumptions).toEqual(['video_size is neither a preset nor a custom size; treated as auto'])
  })

  it.each([
    [1280, 720, 1280, 704],
    [1920, 1080, 1920, 1056],
    [1000, 1000, 992, 992],
    [1248, 704, 1248, 704],
    [33, 63, 32, 32],
    [10, 10, 32, 32],
  ])('custom %i × %i rounds down to %i × %i', (width, height, expectedWidth, expectedHeight) => {
    const estimate = estimateTake(priced(V2V), fixedV2v({ video_size: { width, height } }), {})
    expect(estimate.shape).toMatchObject({ width: expectedWidth, height: expectedHeight })
    expect(estimate.megapixels).toBe(Math.ceil((expectedWidth * expectedHeight * 121) / 1e6))
  })

  it('a custom size ignores the input media', () => {
    const estimate = estimateTake(priced(V2V), fixedV2v({ video_size: { width: 512, height: 512 } }), {
      video: { width: 1920, height: 1080 },
    })
    expect(estimate.shape).toMatchObject({ width: 512, height: 512 })
  })
})

describe('frames and frame rate', () => {
  it.each([
    [121, 121],
    [100, 97],
    [9, 9],
    [8, 9],
    [481, 481],
    [480, 473],
  ])('num_frames %i is generated as %i (8k + 1)', (requested, generated) => {
    const estimate = estimateTake(priced(V2V), fixedV2v({ video_size: 'square', num_frames: requested }), {})
    expect(estimate.shape.numFrames).toBe(generated)
    expect(toLtxFrameCount(requested)).toBe(generated)
  })

  it('match_video_length: frames = input duration × fps, then 8k + 1', () => {
    const media: InputMediaFacts = { video: { width: 1280, height: 720, duration: 4, fps: 30 } }
    const estimate = estimateTake(priced(V2V), fixedV2v({ match_video_length: true, fps: 25 }), media)
    // 4 s × 25 fps = 100 frames → 97
    expect(estimate.shape).toMatchObject({ numFrames: 97, fps: 25, duration: 97 / 25 })
    expect(estimate.breakdown).toBe('1280 × 704 × 97 = 88 MP × $0.0018 = $0.1584')
    expect(estimate.assumptions).toEqual([])
  })

  it('match_video_length with match_input_fps uses the input frame rate', () => {
    const media: InputMediaFacts = { video: { width: 1280, height: 720, duration: 4, fps: 30 } }
    const estimate = estimateTake(priced(V2V), fixedV2v({ match_video_length: true, match_input_fps: true }), media)
    // 4 s × 30 fps = 120 frames → 113
    expect(estimate.shape).toMatchObject({ numFrames: 113, fps: 30 })
  })

  it('match_input_fps alone changes the rate, not the frame count', () => {
    const media: InputMediaFacts = { video: { width: 1280, height: 720, duration: 4, fps: 50 } }
    const estimate = estimateTake(priced(V2V), fixedV2v({ match_input_fps: true }), media)
    expect(estimate.shape).toMatchObject({ numFrames: 121, fps: 50, duration: 121 / 50 })
  })

  it('match_video_length with a chosen video whose duration is unknown is priced at the most frames the schema allows', () => {
    const estimate = estimateTake(priced(V2V), fixedV2v({ match_video_length: true, num_frames: 100 }), { video: { width: 1280, height: 720, fps: 25 } })
    expect(estimate.shape.numFrames).toBe(481)
    expect(estimate.assumptions).toContain("The input video's duration is not known: priced at the most frames the schema allows, 481")
    // Never below what any input within the schema's limit could be billed.
    const known = estimateTake(priced(V2V), fixedV2v({ match_video_length: true }), { video: { width: 1280, height: 720, duration: 19 } })
    expect(estimate.amount).toBeGreaterThanOrEqual(known.amount)
  })

  it('match_video_length before a video is chosen falls back to num_frames, and says so', () => {
    const estimate = estimateTake(priced(V2V), { prompt: 'x', match_video_length: true, num_frames: 100, video_size: 'square' }, {})
    expect(estimate.shape.numFrames).toBe(97)
    expect(estimate.assumptions).toContain("Length assumed 97 frames (num_frames) until the input video's duration is known")
  })

  it('match_input_fps with the frame rate unknown assumes the most the schema allows, and says so', () => {
    const estimate = estimateTake(priced(V2V_23), fixedV2v({ match_input_fps: true }), { video: { width: 1280, height: 720 } })
    expect(estimate.shape.fps).toBe(60)
    expect(estimate.assumptions).toEqual(["The input video's frame rate is not known: assumed the most the schema allows, 60 fps"])
  })

  it('match_audio_length: frames = audio duration × fps, then 8k + 1', () => {
    const payload: Payload = { prompt: 'x', audio_url: AUDIO_URL, video_size: 'landscape_16_9', fps: 25 }
    const estimate = estimateTake(priced(A2V), payload, { audio: { duration: 4.84 } })
    // 4.84 s × 25 = 121 frames
    expect(estimate.shape).toMatchObject({ width: 1024, height: 576, numFrames: 121 })
    expect(estimate.breakdown).toBe('1024 × 576 × 121 = 72 MP × $0.001 = $0.0720')
    const shorter = estimateTake(priced(A2V), payload, { audio: { duration: 2 } })
    expect(shorter.shape.numFrames).toBe(49)
  })

  it('match_audio_length off uses num_frames whatever the audio', () => {
    const payload: Payload = { prompt: 'x', audio_url: AUDIO_URL, match_audio_length: false, num_frames: 57 }
    expect(estimateTake(priced(A2V), payload, { audio: { duration: 10 } }).shape.numFrames).toBe(57)
  })

  it('match_audio_length with a chosen audio whose duration is unknown is priced at the most frames, and says so', () => {
    const estimate = estimateTake(priced(A2V), { prompt: 'x', audio_url: AUDIO_URL }, {})
    expect(estimate.shape.numFrames).toBe(481)
    expect(estimate.assumptions).toEqual(["The input audio's duration is not known: priced at the most frames the schema allows, 481"])
  })
})

describe('missing input media', () => {
  it('an untouched video-to-video form says the video is missing and what was assumed for it', () => {
    const estimate = estimateTake(priced(V2V), {}, {})
    expect(estimate.assumptions).toEqual([
      'No input video chosen yet',
      "Output size assumed 1280 × 704 until the input video's dimensions are known",
      "Frame rate assumed 25 fps until the input video's frame rate is known",
      "Length assumed 121 frames (num_frames) until the input video's duration is known",
    ])
    expect(estimate.breakdown).toBe('1280 × 704 × 121 = 110 MP × $0.0018 = $0.1980')
  })

  it('an untouched audio-to-video form says the audio is missing', () => {
    const estimate = estimateTake(priced(A2V), {}, {})
    expect(estimate.assumptions).toEqual([
      'No input audio chosen yet',
      "Length assumed 121 frames (num_frames) until the input audio's duration is known",
    ])
    // landscape_4_3 is this endpoint's default size
    expect(estimate.breakdown).toBe('1024 × 768 × 121 = 96 MP × $0.001 = $0.0960')
  })

  it("LTX-2 Pro's price does not depend on its image, so a missing image is not an assumption", () => {
    const estimate = estimateTake(priced(PRO), {}, {})
    expect(estimate.breakdown).toBe('6 s × $0.06/s at 1080p = $0.3600')
    expect(estimate.assumptions).toEqual([])
  })
})

describe('in-progress and out-of-range values', () => {
  it('num_frames above the schema maximum is computed, not refused', () => {
    const estimate = estimateTake(priced(V2V), fixedV2v({ video_size: 'square', num_frames: 1000 }), {})
    expect(estimate.shape.numFrames).toBe(993)
    expect(estimate.breakdown).toBe('512 × 512 × 993 = 261 MP × $0.0018 = $0.4698')
  })

  it('a negative or zero custom size computes at the smallest size', () => {
    const estimate = estimateTake(priced(V2V), fixedV2v({ video_size: { width: -100, height: 0 } }), {})
    expect(estimate.shape).toMatchObject({ width: 32, height: 32 })
    expect(Number.isFinite(estimate.amount)).toBe(true)
  })

  it('a num_frames that is not a number uses the default and says so', () => {
    for (const value of [Number.NaN, 'abc', null]) {
      const estimate = estimateTake(priced(V2V), fixedV2v({ video_size: 'square', num_frames: value }), {})
      expect(estimate.shape.numFrames).toBe(121)
      expect(estimate.assumptions).toEqual(['num_frames is not a usable number yet; assumed 121'])
      expect(Number.isNaN(estimate.amount)).toBe(false)
    }
  })

  it('an fps of 0 or not a number uses the default, so the duration stays finite', () => {
    for (const fps of [0, -5, Number.NaN]) {
      const estimate = estimateTake(priced(V2V_23), fixedV2v({ fps }), {})
      expect(estimate.shape.fps).toBe(24)
      expect(Number.isFinite(estimate.shape.duration)).toBe(true)
      expect(estimate.assumptions).toContain('fps is not a usable number yet; assumed 24')
    }
  })

  it('a custom size with a side missing assumes it and says so', () => {
    const estimate = estimateTake(priced(V2V), fixedV2v({ video_size: { width: 512 } }), {})
    expect(estimate.shape).toMatchObject({ width: 512, height: 704 })
    expect(estimate.assumptions).toEqual(['Custom height is not a number yet; assumed 720'])
  })

  it('LTX-2 Pro with an unknown resolution or duration uses the defaults and says so', () => {
    const estimate = estimateTake(priced(PRO), { resolution: '4k', duration: Number.NaN }, {})
    expect(estimate.breakdown).toBe('6 s × $0.06/s at 1080p = $0.3600')
    expect(estimate.assumptions).toEqual([
      'resolution "4k" is not one of 1080p, 1440p, 2160p; assumed 1080p',
      'duration is not a usable number yet; assumed 6',
    ])
  })

  it('never produces NaN for any endpoint, untouched or with its example', () => {
    for (const found of catalog.endpoints) {
      for (const payload of [{}, found.example]) {
        const estimate = estimateTake(priced(found.id), payload, {})
        expect(Number.isFinite(estimate.amount), found.id).toBe(true)
        expect(estimate.breakdown, found.id).not.toMatch(/NaN|undefined|Infinity/)
        expect(Object.values(estimate.shape).every((value) => typeof value === 'boolean' || Number.isFinite(value))).toBe(true)
      }
    }
  })
})

describe('rate source', () => {
  it('a borrowed rate is listed as an assumption', () => {
    const estimate = estimateTake(priced(REF), fixedV2v({ video_size: { width: 1280, height: 704 } }), {})
    expect(estimate.breakdown).toBe('1280 × 704 × 121 = 110 MP × $0.001405 = $0.1546')
    expect(estimate.assumptions).toEqual(["fal publishes no price for this endpoint; this is its text-to-video sibling's rate"])
  })

  it('published rates add nothing', () => {
    for (const id of [V2V, A2V, V2V_23]) {
      const estimate = estimateTake(priced(id), fixedV2v({ video_size: 'square', audio_url: AUDIO_URL, match_audio_length: false }), {})
      expect(estimate.assumptions, id).toEqual([])
    }
  })

  it('priceLine still states each rule', () => {
    expect(priceLine(endpoint(V2V).pricing)).toBe('$0.0018 per megapixel of output')
    expect(priceLine(endpoint(PRO).pricing)).toBe('$0.06/s at 1080p, $0.12/s at 1440p, $0.24/s at 2160p')
  })
})

describe('billedTake', () => {
  const seedOutput = {
    video: { url: 'https://example.com/out.mp4', width: 1248, height: 704, num_frames: 161, fps: 25, duration: 6.44 },
    seed: 1,
    prompt: 'x',
  }

  it('bills per megapixel from the output width, height and frame count', () => {
    expect(billedTake(endpoint(V2V), seedOutput)).toEqual({
      amount: 0.2556,
      breakdown: '1248 × 704 × 161 = 142 MP × $0.0018 = $0.2556',
    })
    expect(billedTake(endpoint(A2V), seedOutput)?.amount).toBe(0.142)
  })

  it('bills per second from the output duration at the input resolution', () => {
    const output = { video: { url: 'u', width: 1920, height: 1080, duration: 6, fps: 25, num_frames: 150 } }
    expect(billedTake(endpoint(PRO), output, { resolution: '1080p' })).toEqual({
      amount: 0.36,
      breakdown: '6 s × $0.06/s at 1080p = $0.3600',
    })
  })

  it('without the input, takes the resolution from the output size', () => {
    const output = { video: { url: 'u', width: 3840, height: 2160, duration: 10 } }
    expect(billedTake(endpoint(PRO), output)).toEqual({ amount: 2.4, breakdown: '10 s × $0.24/s at 2160p = $2.4000' })
  })

  it('bills the duration as given', () => {
    const output = { video: { url: 'u', duration: 6.04 } }
    expect(billedTake(endpoint(PRO), output, { resolution: '1440p' })?.breakdown).toBe('6.04 s × $0.12/s at 1440p = $0.7248')
  })

  it('is null when the output lacks the numbers', () => {
    expect(billedTake(endpoint(V2V), { video: { url: 'u', width: 1248, height: 704 } })).toBeNull()
    expect(billedTake(endpoint(V2V), { video: { url: 'u', width: '1248', height: 704, num_frames: 161 } })).toBeNull()
    expect(billedTake(endpoint(PRO), { video: { url: 'u', width: 1920, height: 1080 } }, { resolution: '1080p' })).toBeNull()
    expect(billedTake(endpoint(PRO), { video: { url: 'u', width: 1000, height: 1000, duration: 6 } })).toBeNull()
    for (const output of [null, undefined, 'x', 42, [], {}, { video: null }, { video: 'u' }]) {
      expect(billedTake(endpoint(V2V), output)).toBeNull()
    }
  })

  it('bills what the estimate predicted for the same take', () => {
    const media: InputMediaFacts = { video: { width: 1280, height: 720, duration: 6.44, fps: 25 } }
    const estimate = estimateTake(priced(V2V), { prompt: 'x', video_url: VIDEO_URL }, media)
    const { shape } = estimate
    const output = { video: { url: 'u', width: shape.width, height: shape.height, num_frames: shape.numFrames, fps: shape.fps } }
    expect(billedTake(endpoint(V2V), output)).toEqual({ amount: estimate.amount, breakdown: estimate.breakdown })
  })
})

describe('a bill from fal’s units against the estimate', () => {
  // fal bills the shape it rendered; rendered as estimated, fal's units bill exactly the estimate,
  // so a take is flagged above its estimate only when the estimate failed as a bound.
  it('each endpoint’s example, billed in the units of the shape the estimate predicts, is not above it', () => {
    for (const found of catalog.endpoints) {
      const estimate = estimateTake(priced(found.id), found.example, {})
      const rule = found.pricing
      const units = rule.kind === 'per_megapixel' ? estimate.megapixels ?? billedMegapixels(estimate.shape.width, estimate.shape.height, estimate.shape.numFrames) : estimate.shape.duration
      const bill = settledBill(found, { input: found.example, billableUnits: units }, compileSchema(found.input).defaults)
      expect(bill.billedUsd, found.id).toBe(estimate.amount)
      expect(billedAboveEstimate(bill.billedUsd, estimate.amount), found.id).toBe(false)
      expect(billedAboveEstimate(settledBill(found, { input: found.example, billableUnits: units + 1 }, compileSchema(found.input).defaults).billedUsd, estimate.amount), found.id).toBe(true)
    }
  })
})

describe('output shape', () => {
  it('effectiveInput puts the payload over the defaults and drops unset values', () => {
    expect(effectiveInput({ a: 1, b: 2, c: undefined }, { b: 3, d: undefined })).toEqual({ a: 1, b: 3 })
  })

  it('resolveOutputShape is the shape of resolveOutputShapeWithAssumptions', () => {
    for (const found of catalog.endpoints) {
      const input = effectiveInput(compileSchema(found.input).defaults, found.example)
      const media: InputMediaFacts = { video: { width: 1280, height: 720, duration: 5, fps: 24 }, audio: { duration: 3 } }
      expect(resolveOutputShape(found.outputRule, input, media)).toEqual(
        resolveOutputShapeWithAssumptions(found.outputRule, input, media).shape,
      )
    }
  })

  it('resolveOutputShape still refuses an unknown resolution; the estimate does not', () => {
    const rule = endpoint(PRO).outputRule
    expect(() => resolveOutputShape(rule, { resolution: '4k' }, {})).toThrow('Unknown resolution: 4k')
    expect(resolveOutputShapeWithAssumptions(rule, { resolution: '4k' }, {}).shape).toMatchObject({ width: 1920, height: 1080 })
  })

  it('known media facts need no assumptions', () => {
    const media: InputMediaFacts = { video: { width: 1280, height: 720, duration: 5, fps: 24 } }
    const input = effectiveInput(compileSchema(endpoint(V2V).input).defaults, endpoint(V2V).example)
    expect(resolveOutputShapeWithAssumptions(endpoint(V2V).outputRule, input, media)).toEqual({
      shape: { width: 1280, height: 704, numFrames: 113, fps: 24, duration: 113 / 24, hasAudio: true },
      assumptions: [],
    })
  })
})

describe('the bound for unread media', () => {
  it('an empty video_url does not hide an unread image: the size is still bounded', () => {
    const estimate = estimateTake(priced(V2V_23), { prompt: 'x', video_url: '', image_url: IMAGE_URL, video_size: 'auto', match_video_length: false, match_input_fps: false }, {})
    expect(estimate.shape).toMatchObject({ width: 14112, height: 14112 })
  })
})
