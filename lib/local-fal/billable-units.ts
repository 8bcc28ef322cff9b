import { num, videoOf } from '@/lib/generation/output-video'
import { billedMegapixels } from '@/lib/pricing/estimate'
import { billUnitOf, type PricingRule } from '@/lib/pricing/rules'
import type { Payload } from '@/lib/schema'

/**
 * The units fal bills a completed request for, in the unit its price is stated in: megapixels of
 * output video (rounded up, as lib/pricing counts them) for per-megapixel endpoints, seconds of
 * output for per-second ones (the input's duration, as the estimate takes it, else the video's).
 * Undefined when the output lacks what the unit needs. `input` is the effective input (defaults
 * merged in).
 */
export function billableUnitsOf(rule: PricingRule, output: unknown, input: Payload): number | undefined {
  const video = videoOf(output)
  if (billUnitOf(rule) === 'megapixel') {
    if (!video || video.width === undefined || video.height === undefined || video.numFrames === undefined) return undefined
    return billedMegapixels(video.width, video.height, video.numFrames)
  }
  return (rule.kind === 'per_second_by_resolution' ? num(input[rule.durationField]) : undefined) ?? video?.duration
}
