import type { JsonValue } from '@/lib/schema'

/** What is known of one input media file (read by ffprobe on the server, by the browser in the form). */
export interface MediaFacts {
  width?: number
  height?: number
  duration?: number
  fps?: number
  hasAudio?: boolean
  hasVideo?: boolean
}

/** The video an endpoint will produce for an input. */
export interface OutputShape {
  width: number
  height: number
  numFrames: number
  fps: number
  duration: number
  hasAudio: boolean
}

/**
 * How an endpoint shapes its output, as data. `ltx2`: the LTX-2 19B / 2.3 endpoints (size from
 * `video_size` in multiples of 32, frames of the form 8k + 1); `fixed_resolution`: LTX-2 Pro
 * (size from `resolution`, frames = duration × fps).
 */
export type OutputRule =
  | { kind: 'ltx2' }
  | {
      kind: 'fixed_resolution'
      resolutions: Record<string, { width: number; height: number }>
      resolutionField: string
      durationField: string
      fpsField: string
    }

/** fal's image-size presets. */
export const SIZE_PRESETS: Record<string, { width: number; height: number }> = {
  square_hd: { width: 1024, height: 1024 },
  square: { width: 512, height: 512 },
  portrait_4_3: { width: 768, height: 1024 },
  portrait_16_9: { width: 576, height: 1024 },
  landscape_4_3: { width: 1024, height: 768 },
  landscape_16_9: { width: 1024, height: 576 },
}

/** Used for `auto` when no input carries a picture (e.g. audio-to-video without an image). */
const AUTO_FALLBACK = { width: 1280, height: 720 }
const SIZE_MULTIPLE = 32
const LTX2_DEFAULT_FPS = 25

/** LTX-2 works on sizes that are multiples of 32: round down, never below 32. */
export function toSizeMultiple(value: number): number {
  return Math.max(SIZE_MULTIPLE, Math.floor(value / SIZE_MULTIPLE) * SIZE_MULTIPLE)
}

/** LTX-2 generates 8k + 1 frames: round down to that form, never below 9. */
export function toLtxFrameCount(frames: number): number {
  return Math.max(9, Math.floor((Math.round(frames) - 1) / 8) * 8 + 1)
}

/** Media roles the LTX-2 endpoints read, by the field that carries them. */
export interface InputMediaFacts {
  video?: MediaFacts
  image?: MediaFacts
  audio?: MediaFacts
}

function num(value: JsonValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

function ltx2Size(input: Record<string, JsonValue>, media: InputMediaFacts) {
  const size = input.video_size
  let base = AUTO_FALLBACK
  if (typeof size === 'object' && size !== null && !Array.isArray(size)) {
    base = { width: num(size.width) ?? AUTO_FALLBACK.width, height: num(size.height) ?? AUTO_FALLBACK.height }
  } else if (typeof size === 'string' && SIZE_PRESETS[size]) {
    base = SIZE_PRESETS[size]
  } else {
    const picture = media.video?.width ? media.video : media.image?.width ? media.image : undefined
    if (picture?.width && picture.height) base = { width: picture.width, height: picture.height }
  }
  return { width: toSizeMultiple(base.width), height: toSizeMultiple(base.height) }
}

function ltx2Shape(input: Record<string, JsonValue>, media: InputMediaFacts): OutputShape {
  const { width, height } = ltx2Size(input, media)
  const fps = input.match_input_fps === true && media.video?.fps ? media.video.fps : (num(input.fps) ?? LTX2_DEFAULT_FPS)
  let frames = num(input.num_frames) ?? 121
  if (input.match_video_length === true && media.video?.duration) frames = media.video.duration * fps
  else if (input.match_audio_length === true && media.audio?.duration) frames = media.audio.duration * fps
  const numFrames = toLtxFrameCount(frames)
  const hasAudio = input.generate_audio !== false || typeof input.audio_url === 'string'
  return { width, height, numFrames, fps, duration: numFrames / fps, hasAudio }
}

/**
 * The output an endpoint will produce for `input` (the payload merged over the schema's defaults)
 * given what is known of its input media. The local backend renders exactly this; pricing bills it.
 */
export function resolveOutputShape(rule: OutputRule, input: Record<string, JsonValue>, media: InputMediaFacts): OutputShape {
  if (rule.kind === 'ltx2') return ltx2Shape(input, media)
  const resolution = rule.resolutions[String(input[rule.resolutionField])]
  if (!resolution) throw new Error(`Unknown ${rule.resolutionField}: ${String(input[rule.resolutionField])}`)
  const duration = num(input[rule.durationField]) ?? 6
  const fps = num(input[rule.fpsField]) ?? 25
  return {
    ...resolution,
    fps,
    numFrames: Math.round(duration * fps),
    duration,
    hasAudio: input.generate_audio !== false,
  }
}

/** Which media role each `*_url` field plays. */
export function mediaRoleOf(field: string): keyof InputMediaFacts | undefined {
  if (field === 'video_url') return 'video'
  if (field === 'image_url') return 'image'
  if (field === 'audio_url') return 'audio'
  return undefined
}
