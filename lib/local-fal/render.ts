import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fontPath, probeMedia, runFfmpeg, type MediaFacts, type OutputShape } from '@/lib/media/media-tools'
import type { ExactInteger } from '@/lib/json/exact-integer'
import { cameraPlanOf } from './render-camera'
import { audioGainOf, decimal, detailOf, gradeExpressions, gradeOf, noiseFilter } from './render-look'
import { FIXED_STEPS, type RenderParameters } from './render-parameters'

export interface RenderJob {
  outFile: string
  shape: OutputShape
  /** Any integer as an exact integer (digits beyond 2^53); colours and the tone are derived from its exact value. */
  seed: ExactInteger
  prompt: string
  /** Local file paths of the input media; any may be absent. */
  sources: { video?: string; image?: string; audio?: string }
  /** The tuned parameters the picture follows (guidance, strengths, steps, camera); absent: a neutral, clean render. */
  parameters?: RenderParameters
  /** 0..1 */
  onProgress?: (fraction: number) => void
  signal?: AbortSignal
}

const SAMPLE_RATE = 48000
/** Bit-exact scaling so the pixels do not depend on which SIMD paths the CPU has. */
const SWS_FLAGS = 'bilinear+accurate_rnd+bitexact'
const PROMPT_COLUMNS = 40
const PROMPT_LINES = 4
/**
 * x264 threads are fixed so the bitstream does not depend on the host's core
 * count (the thread count changes the output). 4 is ~1.5x faster than 2 on a
 * 2-core machine because the filter graph and the encoder overlap better.
 */
const X264_THREADS = '4'

// ---------------------------------------------------------------------------
// Seed-derived values (splitmix64, so any integer seed works, including > 2^53)

const MASK64 = (BigInt(1) << BigInt(64)) - BigInt(1)

function seedBigInt(seed: ExactInteger): bigint {
  if (typeof seed === 'string') return /^-?\d+$/.test(seed) ? BigInt(seed) : BigInt(0)
  return Number.isFinite(seed) ? BigInt(Math.trunc(seed)) : BigInt(0)
}

/** Deterministic stream of floats in [0, 1) derived from the seed. */
export function seedRandom(seed: ExactInteger): () => number {
  let state = BigInt.asUintN(64, seedBigInt(seed))
  return () => {
    state = (state + BigInt('0x9e3779b97f4a7c15')) & MASK64
    let z = state
    z = ((z ^ (z >> BigInt(30))) * BigInt('0xbf58476d1ce4e5b9')) & MASK64
    z = ((z ^ (z >> BigInt(27))) * BigInt('0x94d049bb133111eb')) & MASK64
    z ^= z >> BigInt(31)
    return Number(z >> BigInt(11)) / 2 ** 53
  }
}

interface SeedLook {
  /** Chroma offsets for the tint (lutyuv), each in about -30..30. */
  du: number
  dv: number
  /** A saturated accent colour as 0xRRGGBB. */
  accent: string
  /** Frequency of the fallback tone, 200..800 Hz. */
  toneHz: number
  /** Seed of the residual noise of an under-denoised render. */
  noiseSeed: number
}

function hsvToHex(hue: number, saturation: number, value: number): string {
  const channel = (n: number): number => {
    const k = (n + hue / 60) % 6
    return value - value * saturation * Math.max(0, Math.min(k, 4 - k, 1))
  }
  return (
    '0x' +
    [channel(5), channel(3), channel(1)]
      .map((c) => Math.round(c * 255).toString(16).padStart(2, '0'))
      .join('')
  )
}

export function seedLook(seed: ExactInteger): SeedLook {
  const random = seedRandom(seed)
  const angle = random() * 2 * Math.PI
  const strength = 22 + random() * 10
  const hue = random() * 360
  const toneHz = 200 + Math.floor(random() * 601)
  // Three noise seeds (one a plane) follow this one and must stay below 2^31.
  const noiseSeed = Math.floor(random() * (2 ** 31 - 3))
  return {
    du: Math.round(Math.cos(angle) * strength),
    dv: Math.round(Math.sin(angle) * strength),
    accent: hsvToHex(hue, 0.65, 0.95),
    toneHz,
    noiseSeed,
  }
}

// ---------------------------------------------------------------------------
// Helpers

interface Rational {
  num: number
  den: number
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b)
}

/** 25 → 25/1, 23.976 → 24000/1001, 12.5 → 25/2. */
export function fpsRational(fps: number): Rational {
  if (!Number.isFinite(fps) || fps <= 0) throw new Error(`Invalid fps ${fps}`)
  const whole = Math.round(fps)
  if (Math.abs(fps - whole) < 1e-6) return { num: whole, den: 1 }
  const ntsc = Math.round(fps * 1.001)
  if (Math.abs(fps - (ntsc * 1000) / 1001) < 6e-4) return { num: ntsc * 1000, den: 1001 }
  const num = Math.round(fps * 1000)
  const divisor = gcd(num, 1000)
  return { num: num / divisor, den: 1000 / divisor }
}

function rateString({ num, den }: Rational): string {
  return den === 1 ? String(num) : `${num}/${den}`
}

/**
 * Escapes a value for a filter option inside a -filter_complex graph:
 * first for the option parser (\ ' :), then for the graph parser (\ ' [ ] , ;).
 */
function filterValue(value: string): string {
  const option = value.replace(/[\\':]/g, (c) => `\\${c}`)
  return option.replace(/[\\'[\],;]/g, (c) => `\\${c}`)
}

/** Collapses whitespace, wraps to ~40 columns, at most 4 lines, ellipsis beyond. */
export function wrapPrompt(prompt: string, columns = PROMPT_COLUMNS, maxLines = PROMPT_LINES): string[] {
  const words = prompt.replace(/[\u0000-\u001f\u007f]/g, ' ').split(/\s+/).filter((w) => w.length > 0)
  const lines: string[] = []
  let current = ''
  for (const word of words) {
    let rest = word
    while (rest.length > 0) {
      const sep = current.length > 0 ? 1 : 0
      if (current.length + sep + rest.length <= columns) {
        current += (sep ? ' ' : '') + rest
        rest = ''
      } else if (current.length > 0) {
        lines.push(current)
        current = ''
      } else {
        lines.push(rest.slice(0, columns))
        rest = rest.slice(columns)
      }
    }
  }
  if (current.length > 0) lines.push(current)
  if (lines.length <= maxLines) return lines
  const kept = lines.slice(0, maxLines)
  const last = kept[maxLines - 1] ?? ''
  kept[maxLines - 1] = (last.length >= columns ? last.slice(0, columns - 1) : last) + '…'
  return kept
}

function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2)
}

function assertShape(shape: OutputShape): void {
  const { width, height, numFrames } = shape
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < 2 || value % 2 !== 0) {
      throw new Error(`Output ${name} must be a positive even integer (yuv420p), got ${value}`)
    }
  }
  if (!Number.isInteger(numFrames) || numFrames < 1) throw new Error(`numFrames must be a positive integer, got ${numFrames}`)
}

async function probeIfPresent(file: string | undefined): Promise<MediaFacts | undefined> {
  return file === undefined ? undefined : probeMedia(file)
}

// ---------------------------------------------------------------------------
// Graph construction

type Picture =
  | { kind: 'video'; file: string; loop: boolean; audio: boolean }
  | { kind: 'image'; file: string }
  | { kind: 'waveform'; file: string }
  | { kind: 'pattern' }

type Sound = { kind: 'file'; file: string } | { kind: 'video-track' } | { kind: 'tone' } | { kind: 'none' }

interface Plan {
  inputs: string[]
  filters: string[]
  hasAudio: boolean
}

function choosePicture(
  sources: RenderJob['sources'],
  facts: { video?: MediaFacts; image?: MediaFacts; audio?: MediaFacts },
  neededSeconds: number,
): Picture {
  const visual = (file: string | undefined, media: MediaFacts | undefined): Picture | undefined => {
    if (file === undefined || !media?.hasVideo) return undefined
    if (media.duration === undefined) return { kind: 'image', file }
    return { kind: 'video', file, loop: media.duration < neededSeconds + 0.5, audio: media.hasAudio === true }
  }
  const picture = visual(sources.video, facts.video) ?? visual(sources.image, facts.image)
  if (picture) return picture
  if (sources.audio !== undefined && facts.audio?.hasAudio) return { kind: 'waveform', file: sources.audio }
  return { kind: 'pattern' }
}

function chooseSound(wanted: boolean, sources: RenderJob['sources'], audioFacts: MediaFacts | undefined, picture: Picture): Sound {
  if (!wanted) return { kind: 'none' }
  if (sources.audio !== undefined && audioFacts?.hasAudio) return { kind: 'file', file: sources.audio }
  if (picture.kind === 'video' && picture.audio) return { kind: 'video-track' }
  return { kind: 'tone' }
}

const NEUTRAL: RenderParameters = { steps: FIXED_STEPS, cleanSteps: FIXED_STEPS }

/** scale + crop to exactly w × h, covering it (no bars). */
function cover(width: number, height: number): string {
  return `scale=${width}:${height}:force_original_aspect_ratio=increase:flags=${SWS_FLAGS},crop=${width}:${height},setsar=1`
}

function buildPlan(job: RenderJob, picture: Picture, sound: Sound, textFile: string | undefined): Plan {
  const { width: W, height: H, numFrames } = job.shape
  const rate = fpsRational(job.shape.fps)
  const fr = rateString(rate)
  const look = seedLook(job.seed)
  const parameters = job.parameters ?? NEUTRAL
  const samples = Math.round((numFrames * rate.den * SAMPLE_RATE) / rate.num)
  const font = filterValue(fontPath())

  const inputs: string[] = []
  const filters: string[] = []
  let inputCount = 0
  // Every input is a local file: a downloaded input that is really a playlist must not make ffmpeg fetch anything.
  const addInput = (args: string[]): number => {
    inputs.push('-protocol_whitelist', 'file', ...args)
    return inputCount++
  }

  // The picture is prepared on a canvas (the output size, larger for a camera pan), at a reduced
  // size when too few steps leave it soft; graded (guidance, strength, the seed's cast) and
  // grained there, where it is cheapest; scaled to the canvas; moved by the camera; captioned.
  const camera = cameraPlanOf(parameters.camera, { width: W, height: H, numFrames, frameRate: fr })
  const canvas = camera?.canvas ?? { width: W, height: H }
  const detail = detailOf(parameters)
  const detailW = even(Math.max(16, canvas.width / detail.divisor))
  const detailH = even(Math.max(16, canvas.height / detail.divisor))
  const grade = gradeExpressions(gradeOf(parameters), look)
  const prepare = (moving: boolean): string =>
    [
      cover(detailW, detailH),
      'format=yuv420p',
      `lutyuv=y=${filterValue(grade.y)}:u=${filterValue(grade.u)}:v=${filterValue(grade.v)}`,
      ...[noiseFilter(detail, look.noiseSeed, moving)].filter((f): f is string => f !== undefined),
      ...(detailW === canvas.width && detailH === canvas.height ? [] : [`scale=${canvas.width}:${canvas.height}:flags=${SWS_FLAGS},setsar=1`]),
    ].join(',')
  const move = camera === undefined ? [] : [camera.filter]

  const fontSize = Math.max(10, Math.round(Math.min(H / 18, (W * 0.9) / (PROMPT_COLUMNS * 0.62))))
  const seedSize = Math.max(9, Math.round(fontSize * 0.7))
  const margin = Math.max(4, Math.round(Math.min(W, H) * 0.04))
  const caption = [
    ...(textFile === undefined
      ? []
      : [
          `drawtext=fontfile=${font}:textfile=${filterValue(textFile)}:expansion=none:fontsize=${fontSize}` +
            `:fontcolor=white:line_spacing=${Math.round(fontSize * 0.25)}:box=1:boxcolor=black@0.55` +
            `:boxborderw=${Math.round(fontSize * 0.4)}:x=${margin}:y=h-text_h-${margin}`,
        ]),
    `drawtext=fontfile=${font}:text=${filterValue(`seed ${seedBigInt(job.seed).toString()}`)}:expansion=none` +
      `:fontsize=${seedSize}:fontcolor=white:box=1:boxcolor=${look.accent}@0.6:boxborderw=${Math.round(seedSize * 0.35)}` +
      `:x=w-text_w-${margin}:y=${margin}`,
  ]
  /** Everything after the source, for a source that moves: every frame is prepared. */
  const perFrame = (source: string): string => [source, prepare(true), ...move, ...caption].join(',')
  // tpad: if a source runs out early, repeat its last frame. trim: the video
  // ends itself after exactly numFrames instead of relying on -frames:v, because
  // ffmpeg 4.x closes *every* stream of an output file once one stream reaches
  // its -frames limit, which cuts the audio short.
  const pad = `tpad=stop_mode=clone:stop=-1,trim=end_frame=${numFrames}`
  const tail = `fps=${fr},${pad}`
  const gain = audioGainOf(parameters)
  const gained = gain === undefined ? '' : `,volume=${decimal(gain)}`

  let videoInput = -1
  let waveAudio: string | undefined
  switch (picture.kind) {
    case 'video': {
      videoInput = addInput([...(picture.loop ? ['-stream_loop', '-1'] : []), '-i', picture.file])
      filters.push(`${perFrame(`[${videoInput}:v:0]setpts=PTS-STARTPTS,fps=${fr}`)},${pad}[vout]`)
      break
    }
    case 'image': {
      // Prepare the still once and repeat it in memory; with a camera LoRA, the move and the
      // caption over it are drawn per frame.
      const index = addInput(['-i', picture.file])
      const still = [prepare(false), ...(camera === undefined ? caption : [])].join(',')
      const repeat = `loop=loop=-1:size=1:start=0,settb=${rate.den}/${rate.num},setpts=N`
      const moved = camera === undefined ? '' : `,${[...move, ...caption].join(',')}`
      filters.push(`[${index}:v:0]${still},${repeat}${moved},${tail}[vout]`)
      break
    }
    case 'waveform': {
      const index = addInput(['-i', picture.file])
      const base = `[${index}:a:0]aresample=${SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo${gained}`
      if (sound.kind === 'file' && sound.file === picture.file) {
        filters.push(`${base},asplit=2[wave][wavesound]`)
        waveAudio = '[wavesound]'
      } else {
        filters.push(`${base}[wave]`)
      }
      // Draw small (showwaves needs >= 1 sample per column per frame), then scale up.
      const waveW = even(Math.min(W, 640))
      const waveH = even((waveW * H) / W)
      filters.push(`${perFrame(`[wave]apad,showwaves=s=${waveW}x${waveH}:mode=cline:draw=full:rate=${fr}:colors=${look.accent}`)},${tail}[vout]`)
      break
    }
    case 'pattern': {
      // Generated small (testsrc2 is slow and noisy at 4K), then scaled up.
      const patternW = even(Math.min(W, 960))
      const patternH = even((patternW * H) / W)
      filters.push(`${perFrame(`testsrc2=s=${patternW}x${patternH}:r=${fr}`)},${tail}[vout]`)
      break
    }
  }

  // The input's own audio follows audio_strength (the waveform above already did, drawn from it).
  const fit = (input: string, gain: string) =>
    `${input}aresample=${SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo${gain},atrim=end_sample=${samples},apad=whole_len=${samples}[aout]`
  switch (sound.kind) {
    case 'none':
      break
    case 'file':
      filters.push(waveAudio !== undefined ? fit(waveAudio, '') : fit(`[${addInput(['-i', sound.file])}:a:0]`, gained))
      break
    case 'video-track':
      filters.push(fit(`[${videoInput}:a:0]`, gained))
      break
    case 'tone':
      filters.push(fit(`sine=frequency=${look.toneHz}:sample_rate=${SAMPLE_RATE},volume=0.25,`, ''))
      break
  }

  return { inputs, filters, hasAudio: sound.kind !== 'none' }
}

// ---------------------------------------------------------------------------

/**
 * Renders a real H.264/AAC MP4 of exactly `shape` (size, frame count, frame
 * rate, audio presence) whose picture comes from the inputs, tinted by the
 * seed, graded, grained and moved by the tuned parameters (render-look,
 * render-camera) and captioned with the prompt. Deterministic for identical jobs.
 */
export async function renderVideo(input: RenderJob): Promise<void> {
  // Absolute paths, so no file name can be mistaken for an option ("-x") or a
  // protocol ("http:...") by ffmpeg.
  const { video, image, audio } = input.sources
  const job: RenderJob = {
    ...input,
    outFile: path.resolve(input.outFile),
    sources: {
      video: video === undefined ? undefined : path.resolve(video),
      image: image === undefined ? undefined : path.resolve(image),
      audio: audio === undefined ? undefined : path.resolve(audio),
    },
  }
  const { shape, outFile, signal, onProgress } = job
  assertShape(shape)
  const rate = fpsRational(shape.fps)
  signal?.throwIfAborted()

  const [videoFacts, imageFacts, audioFacts] = await Promise.all([
    probeIfPresent(job.sources.video),
    probeIfPresent(job.sources.image),
    probeIfPresent(job.sources.audio),
  ])
  const neededSeconds = (shape.numFrames * rate.den) / rate.num
  const picture = choosePicture(job.sources, { video: videoFacts, image: imageFacts, audio: audioFacts }, neededSeconds)
  const sound = chooseSound(shape.hasAudio, job.sources, audioFacts, picture)

  await mkdir(path.dirname(outFile), { recursive: true })
  const partFile = `${outFile}.part`
  const lines = wrapPrompt(job.prompt)
  const textFile = lines.length > 0 ? `${outFile}.${process.pid}-${randomBytes(4).toString('hex')}.prompt.txt` : undefined

  let succeeded = false
  try {
    if (textFile !== undefined) await writeFile(textFile, lines.join('\n'), 'utf8')
    const plan = buildPlan(job, picture, sound, textFile)
    const args = [
      ...plan.inputs,
      '-filter_complex',
      // The sws_flags prefix also covers scalers that ffmpeg inserts for format conversions.
      `sws_flags=${SWS_FLAGS};${plan.filters.join(';')}`,
      '-map',
      '[vout]',
      ...(plan.hasAudio ? ['-map', '[aout]'] : []),
      // Only as a backstop when there is no audio to cut short (see buildPlan).
      ...(plan.hasAudio ? [] : ['-frames:v', String(shape.numFrames)]),
      '-r',
      rateString(rate),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-crf',
      '32',
      '-pix_fmt',
      'yuv420p',
      '-threads',
      X264_THREADS,
      ...(plan.hasAudio ? ['-c:a', 'aac', '-b:a', '96k', '-ar', String(SAMPLE_RATE), '-ac', '2'] : ['-an']),
      '-sn',
      '-dn',
      '-map_metadata',
      '-1',
      '-map_chapters',
      '-1',
      '-fflags',
      '+bitexact',
      '-flags:v',
      '+bitexact',
      '-flags:a',
      '+bitexact',
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      '-y',
      partFile,
    ]
    onProgress?.(0)
    let last = 0
    await runFfmpeg(args, {
      signal,
      onProgress: (frame) => {
        const fraction = Math.min(0.99, frame / shape.numFrames)
        if (fraction > last) {
          last = fraction
          onProgress?.(fraction)
        }
      },
    })
    signal?.throwIfAborted()
    await rename(partFile, outFile)
    succeeded = true
    onProgress?.(1)
  } finally {
    if (textFile !== undefined) await rm(textFile, { force: true })
    if (!succeeded) await rm(partFile, { force: true })
  }
}
