import type { OutputShape, ShapeBounds } from '@/lib/generation/output-shape'

/** A render larger than the endpoint's schema allows: refused as fal refuses bad input, on its field (422). */
export class RenderTooLargeError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
    this.name = 'RenderTooLargeError'
  }
}

/**
 * Refuses an output bigger than any value the endpoint's schema allows — more frames than
 * `num_frames` may ask (e.g. a 60-second input with `match_video_length`), or a side longer than a
 * custom size may have (e.g. `auto` on a huge input) — so nothing renders, or is billed, past the
 * bounds the studio's spend caps price unknown media at.
 */
export function assertRenderWithinBounds(shape: OutputShape, bounds: ShapeBounds, input: Record<string, unknown>): void {
  if (bounds.maxFrames !== undefined && shape.numFrames > bounds.maxFrames) {
    const field = input.match_video_length === true ? 'video_url' : input.match_audio_length === true ? 'audio_url' : 'num_frames'
    throw new RenderTooLargeError(field, `The output would be ${shape.numFrames} frames; this endpoint makes at most ${bounds.maxFrames} (num_frames).`)
  }
  const longest = Math.min(bounds.maxWidth ?? Infinity, bounds.maxHeight ?? Infinity)
  if (shape.width > (bounds.maxWidth ?? Infinity) || shape.height > (bounds.maxHeight ?? Infinity)) {
    const field = typeof input.video_url === 'string' ? 'video_url' : typeof input.image_url === 'string' ? 'image_url' : 'video_size'
    throw new RenderTooLargeError(field, `The output would be ${shape.width} × ${shape.height}; this endpoint makes at most ${longest} pixels a side.`)
  }
}
