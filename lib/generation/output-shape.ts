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
const LTX2_DEFAULT_FRAMES = 121

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

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The input an endpoint runs on: the payload merged over the schema's defaults. Unset values
 * (`undefined`, as an untouched form holds them) are left out, so they never hide a default.
 */
export function effectiveInput(
  defaults: Record<string, JsonValue | undefined>,
  payload: Record<string, JsonValue | undefined>,
): Record<string, JsonValue> {
  const merged: Record<string, JsonValue> = {}
  for (const source of [defaults, payload]) {
    for (const [name, value] of Object.entries(source)) if (value !== undefined) merged[name] = value
  }
  return merged
}

/** The output shape, and what had to be assumed for it, in plain English, for the person pricing it. */
export interface ShapeWithAssumptions {
  shape: OutputShape
  assumptions: string[]
}

/**
 * The most an endpoint's schema allows (e.g. `num_frames` ≤ 481, custom sizes ≤ 14142 px a side):
 * what a chosen input medium whose facts are unknown is priced at, so an estimate is never below
 * what fal can bill for it.
 */
export interface ShapeBounds {
  maxFrames?: number
  maxFps?: number
  maxWidth?: number
  maxHeight?: number
}

interface ShapeContext {
  input: Record<string, JsonValue>
  media: InputMediaFacts
  /** The schema's defaults: what an unusable value falls back to. */
  defaults: Record<string, JsonValue | undefined>
  /** Set for estimates: media chosen but not read are priced at these. */
  bounds?: ShapeBounds
  assumptions: string[]
}

function assume(ctx: ShapeContext, text: string) {
  if (!ctx.assumptions.includes(text)) ctx.assumptions.push(text)
}

function isChosen(ctx: ShapeContext, role: keyof InputMediaFacts): boolean {
  const url = ctx.input[`${role}_url`]
  return typeof url === 'string' && url !== ''
}

/** Records that the shape needed facts of `role`'s media and did not have them. */
function assumeForMedia(ctx: ShapeContext, role: keyof InputMediaFacts, text: string) {
  if (!isChosen(ctx, role)) assume(ctx, `No input ${role} chosen yet`)
  assume(ctx, text)
}

/**
 * The schema's largest value for a fact of a chosen medium that could not be read, saying so; undefined
 * when the medium is not chosen or the schema has no bound (the ordinary assumption then stands).
 */
function boundForUnread(ctx: ShapeContext, role: keyof InputMediaFacts, bound: number | undefined, text: (bound: number) => string): number | undefined {
  if (bound === undefined || !ctx.bounds || !isChosen(ctx, role)) return undefined
  assume(ctx, text(bound))
  return bound
}

/**
 * A numeric field's value. A value that is set but unusable (an in-progress form value) falls back
 * to the schema default, else `builtIn`, and says so; a field absent altogether takes `builtIn`
 * quietly, as fal does for an omitted field.
 */
function numberField(ctx: ShapeContext, field: string, builtIn: number, usable: (value: number) => boolean = () => true): number {
  const value = num(ctx.input[field])
  if (value !== undefined && usable(value)) return value
  const fallbackDefault = num(ctx.defaults[field])
  const fallback = fallbackDefault !== undefined && usable(fallbackDefault) ? fallbackDefault : builtIn
  if (field in ctx.input) assume(ctx, `${field} is not a usable number yet; assumed ${fallback}`)
  return fallback
}

function roundedSize(size: { width: number; height: number }) {
  return { width: toSizeMultiple(size.width), height: toSizeMultiple(size.height) }
}

function customSize(ctx: ShapeContext, size: { [key: string]: JsonValue }) {
  const side = (name: 'width' | 'height') => {
    const value = num(size[name])
    if (value !== undefined) return value
    assume(ctx, `Custom ${name} is not a number yet; assumed ${AUTO_FALLBACK[name]}`)
    return AUTO_FALLBACK[name]
  }
  return roundedSize({ width: side('width'), height: side('height') })
}

const PICTURE_ROLES = ['video', 'image'] as const

/**
 * `auto` follows the input picture (a video before an image). With no picture input in the
 * payload at all, the fallback is what fal documents, so it is not an assumption.
 */
function autoSize(ctx: ShapeContext) {
  const known = PICTURE_ROLES.map((role) => ctx.media[role]).find((facts) => facts?.width && facts.height)
  if (known?.width && known.height) return roundedSize({ width: known.width, height: known.height })
  const expected = PICTURE_ROLES.find((role) => typeof ctx.input[`${role}_url`] === 'string')
  const chosen = PICTURE_ROLES.find((role) => isChosen(ctx, role))
  const { maxWidth, maxHeight } = ctx.bounds ?? {}
  if (chosen && maxWidth !== undefined && maxHeight !== undefined) {
    const largest = roundedSize({ width: maxWidth, height: maxHeight })
    assume(ctx, `The input ${chosen}'s size is not known: priced at the largest size the schema allows, ${largest.width} × ${largest.height}`)
    return largest
  }
  const size = roundedSize(AUTO_FALLBACK)
  if (expected) {
    assumeForMedia(ctx, expected, `Output size assumed ${size.width} × ${size.height} until the input ${expected}'s dimensions are known`)
  }
  return size
}

function ltx2Size(ctx: ShapeContext) {
  const size = ctx.input.video_size
  if (isObject(size)) return customSize(ctx, size)
  if (typeof size === 'string' && SIZE_PRESETS[size]) return roundedSize(SIZE_PRESETS[size])
  if (size !== undefined && size !== 'auto') assume(ctx, 'video_size is neither a preset nor a custom size; treated as auto')
  return autoSize(ctx)
}

function ltx2Fps(ctx: ShapeContext): number {
  // fps divides the frame count into a duration: 0 or below is as unusable as no number.
  const fps = numberField(ctx, 'fps', LTX2_DEFAULT_FPS, (value) => value > 0)
  if (ctx.input.match_input_fps !== true) return fps
  if (ctx.media.video?.fps) return ctx.media.video.fps
  const largest = boundForUnread(ctx, 'video', ctx.bounds?.maxFps, (bound) => `The input video's frame rate is not known: assumed the most the schema allows, ${bound} fps`)
  if (largest !== undefined) return largest
  assumeForMedia(ctx, 'video', `Frame rate assumed ${fps} fps until the input video's frame rate is known`)
  return fps
}

const LENGTH_MATCHES = [
  { role: 'video', field: 'match_video_length' },
  { role: 'audio', field: 'match_audio_length' },
] as const

function ltx2Frames(ctx: ShapeContext, fps: number): number {
  const frames = numberField(ctx, 'num_frames', LTX2_DEFAULT_FRAMES)
  const requested = LENGTH_MATCHES.filter(({ field }) => ctx.input[field] === true)
  for (const { role } of requested) {
    const duration = ctx.media[role]?.duration
    if (duration) return toLtxFrameCount(duration * fps)
  }
  const numFrames = toLtxFrameCount(frames)
  const first = requested[0]
  for (const { role } of requested) {
    const largest = boundForUnread(ctx, role, ctx.bounds?.maxFrames, (bound) => `The input ${role}'s duration is not known: priced at the most frames the schema allows, ${toLtxFrameCount(bound)}`)
    if (largest !== undefined) return toLtxFrameCount(largest)
  }
  if (first) {
    assumeForMedia(ctx, first.role, `Length assumed ${numFrames} frames (num_frames) until the input ${first.role}'s duration is known`)
  }
  return numFrames
}

function ltx2Shape(ctx: ShapeContext): OutputShape {
  const { width, height } = ltx2Size(ctx)
  const fps = ltx2Fps(ctx)
  const numFrames = ltx2Frames(ctx, fps)
  const hasAudio = ctx.input.generate_audio !== false || typeof ctx.input.audio_url === 'string'
  return { width, height, numFrames, fps, duration: numFrames / fps, hasAudio }
}

type FixedResolutionRule = Extract<OutputRule, { kind: 'fixed_resolution' }>

function fixedResolution(rule: FixedResolutionRule, ctx: ShapeContext) {
  const value = ctx.input[rule.resolutionField]
  const chosen = rule.resolutions[String(value)]
  if (chosen) return chosen
  const names = Object.keys(rule.resolutions)
  const fallback = [String(ctx.defaults[rule.resolutionField]), ...names].find((name) => rule.resolutions[name])
  if (fallback === undefined) throw new Error(`The output rule lists no ${rule.resolutionField}`)
  const given = value === undefined ? 'is not set' : `"${String(value)}" is not one of ${names.join(', ')}`
  assume(ctx, `${rule.resolutionField} ${given}; assumed ${fallback}`)
  return rule.resolutions[fallback]!
}

function fixedShape(rule: FixedResolutionRule, ctx: ShapeContext): OutputShape {
  const resolution = fixedResolution(rule, ctx)
  const duration = numberField(ctx, rule.durationField, 6)
  const fps = numberField(ctx, rule.fpsField, 25)
  return {
    ...resolution,
    fps,
    numFrames: Math.round(duration * fps),
    duration,
    hasAudio: ctx.input.generate_audio !== false,
  }
}

/**
 * The output an endpoint will produce for `input` (the payload merged over the schema's defaults,
 * see `effectiveInput`) given what is known of its input media, and what it had to assume where
 * facts or values were missing. Never throws for in-progress form values.
 */
export function resolveOutputShapeWithAssumptions(
  rule: OutputRule,
  input: Record<string, JsonValue>,
  media: InputMediaFacts,
  defaults: Record<string, JsonValue | undefined> = {},
  bounds?: ShapeBounds,
): ShapeWithAssumptions {
  const ctx: ShapeContext = { input, media, defaults, bounds, assumptions: [] }
  const shape = rule.kind === 'ltx2' ? ltx2Shape(ctx) : fixedShape(rule, ctx)
  return { shape, assumptions: ctx.assumptions }
}

/**
 * The output an endpoint will produce for `input` (the payload merged over the schema's defaults)
 * given what is known of its input media. The local backend renders exactly this; pricing bills it.
 * Unlike the estimate, it refuses a resolution it does not know.
 */
export function resolveOutputShape(rule: OutputRule, input: Record<string, JsonValue>, media: InputMediaFacts): OutputShape {
  if (rule.kind === 'fixed_resolution' && !rule.resolutions[String(input[rule.resolutionField])]) {
    throw new Error(`Unknown ${rule.resolutionField}: ${String(input[rule.resolutionField])}`)
  }
  return resolveOutputShapeWithAssumptions(rule, input, media).shape
}

/** Which media role each `*_url` field plays. */
export function mediaRoleOf(field: string): keyof InputMediaFacts | undefined {
  if (field === 'video_url') return 'video'
  if (field === 'image_url') return 'image'
  if (field === 'audio_url') return 'audio'
  return undefined
}
