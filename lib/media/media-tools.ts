import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

import type { MediaFacts } from '@/lib/generation/output-shape'
import { launchProcess, type LaunchExit } from '@/lib/media/process-launcher'

// Re-exported so callers of the media tools need only this module.
export type { MediaFacts, OutputShape } from '@/lib/generation/output-shape'

const platformDir = `${process.platform}-${process.arch}`
const exe = process.platform === 'win32' ? '.exe' : ''

/**
 * A `require` rooted at the project directory, evaluated at run time. Used
 * instead of a static import so that a bundler (Next.js) neither inlines the
 * installer packages nor rewrites their `__dirname`, and so that a package that
 * throws while locating its binary cannot break the import of this module.
 */
function projectRequire(): NodeJS.Require {
  return createRequire(path.join(process.cwd(), 'package.json'))
}

function exportedPath(pkg: string): string | undefined {
  try {
    const mod: unknown = projectRequire()(pkg)
    if (typeof mod === 'object' && mod !== null && 'path' in mod && typeof mod.path === 'string') return mod.path
  } catch {
    // The installer packages throw when their binary is missing; fall through.
  }
  return undefined
}

function firstExisting(what: string, candidates: (string | undefined)[]): string {
  const found = candidates.find((candidate): candidate is string => candidate !== undefined && existsSync(candidate))
  if (found === undefined) {
    const tried = candidates.filter((candidate): candidate is string => candidate !== undefined)
    throw new Error(`Cannot find ${what}; tried ${tried.join(', ')}`)
  }
  return found
}

let cachedFfmpeg: string | undefined
let cachedFfprobe: string | undefined
let cachedFont: string | undefined

/** The bundled static ffmpeg (never the system one). */
export function ffmpegPath(): string {
  cachedFfmpeg ??= firstExisting('ffmpeg', [
    exportedPath('@ffmpeg-installer/ffmpeg'),
    path.join(process.cwd(), 'node_modules', '@ffmpeg-installer', platformDir, `ffmpeg${exe}`),
  ])
  return cachedFfmpeg
}

/** The bundled static ffprobe (never the system one). */
export function ffprobePath(): string {
  cachedFfprobe ??= firstExisting('ffprobe', [
    exportedPath('@ffprobe-installer/ffprobe'),
    path.join(process.cwd(), 'node_modules', '@ffprobe-installer', platformDir, `ffprobe${exe}`),
  ])
  return cachedFfprobe
}

/** DejaVu Sans from the `dejavu-fonts-ttf` package. */
export function fontPath(): string {
  if (cachedFont === undefined) {
    let resolved: string | undefined
    try {
      resolved = path.join(path.dirname(projectRequire().resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf')
    } catch {
      resolved = undefined
    }
    cachedFont = firstExisting('DejaVuSans.ttf', [
      path.join(process.cwd(), 'node_modules', 'dejavu-fonts-ttf', 'ttf', 'DejaVuSans.ttf'),
      resolved,
    ])
  }
  return cachedFont
}

// ---------------------------------------------------------------------------
// ffprobe

interface ProbeStream {
  codec_type?: string
  codec_name?: string
  width?: number
  height?: number
  avg_frame_rate?: string
  r_frame_rate?: string
  duration?: string
  nb_frames?: string
}

interface ProbeFormat {
  format_name?: string
  duration?: string
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

function toStream(value: unknown): ProbeStream | undefined {
  if (!isRecord(value)) return undefined
  return {
    codec_type: str(value.codec_type),
    codec_name: str(value.codec_name),
    width: num(value.width),
    height: num(value.height),
    avg_frame_rate: str(value.avg_frame_rate),
    r_frame_rate: str(value.r_frame_rate),
    duration: str(value.duration),
    nb_frames: str(value.nb_frames),
  }
}

/** Parses "25/1", "24000/1001" or "25"; undefined for "0/0" and garbage. */
export function parseRate(rate: string | undefined): number | undefined {
  if (rate === undefined) return undefined
  const [numerator, denominator = '1'] = rate.split('/')
  const value = Number(numerator) / Number(denominator)
  return Number.isFinite(value) && value > 0 ? value : undefined
}

function positive(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const parsed = Number(value)
  return Number.isFinite(parsed) && parsed > 0 ? parsed : undefined
}

const STILL_CODECS = new Set(['png', 'mjpeg', 'jpegls', 'webp', 'bmp', 'tiff', 'gif', 'ppm', 'pgm', 'pam', 'targa', 'jpeg2000', 'qoi'])

const STDOUT_MAX_CHARS = 32 * 1024 * 1024

async function execFileText(file: string, args: string[], timeoutMs = 0): Promise<string> {
  let stdout = ''
  let stderr = ''
  const exit = await launchProcess(file, args, {
    timeoutMs,
    onStdout: (text) => void (stdout.length < STDOUT_MAX_CHARS && (stdout += text)),
    onStderr: (text) => void (stderr = (stderr + text).slice(-STDERR_TAIL)),
  })
  if (exit.code === 0 && stdout.length < STDOUT_MAX_CHARS) return stdout
  const reason = exit.timedOut ? `timed out after ${timeoutMs} ms` : stdout.length >= STDOUT_MAX_CHARS ? 'printed too much' : exitText(exit)
  const detail = stderr.trim().split('\n').slice(-5).join('\n')
  throw new Error(`${path.basename(file)} failed: ${detail || reason}`)
}

function exitText(exit: LaunchExit): string {
  return exit.code === null ? `signal ${exit.signal ?? 'unknown'}` : `code ${exit.code}`
}

/**
 * Reads width/height/fps/duration and which stream kinds a media file has (a local file only: ffprobe
 * may open no network protocol, even one a playlist inside the file names).
 * Still images report `hasVideo: true` with `duration` and `fps` undefined.
 */
export async function probeMedia(file: string, { timeoutMs = 0 }: { timeoutMs?: number } = {}): Promise<MediaFacts> {
  const args = ['-v', 'error', '-protocol_whitelist', 'file', '-print_format', 'json', '-show_streams', '-show_format', path.resolve(file)]
  const stdout = await execFileText(ffprobePath(), args, timeoutMs)
  let parsed: unknown
  try {
    parsed = JSON.parse(stdout)
  } catch {
    throw new Error(`ffprobe returned unreadable output for ${file}`)
  }
  const root = isRecord(parsed) ? parsed : {}
  const streams = (Array.isArray(root.streams) ? root.streams : []).map(toStream).filter((s): s is ProbeStream => s !== undefined)
  const formatRecord = isRecord(root.format) ? root.format : {}
  const format: ProbeFormat = { format_name: str(formatRecord.format_name), duration: str(formatRecord.duration) }

  const video = streams.find((s) => s.codec_type === 'video')
  const audio = streams.find((s) => s.codec_type === 'audio')
  const facts: MediaFacts = { hasVideo: video !== undefined, hasAudio: audio !== undefined }

  if (video) {
    facts.width = video.width
    facts.height = video.height
  }

  const formatNames = (format.format_name ?? '').split(',')
  const imageContainer = formatNames.some((name) => name === 'image2' || name.endsWith('_pipe'))
  const frameCount = positive(video?.nb_frames)
  const still =
    video !== undefined &&
    audio === undefined &&
    (imageContainer || frameCount === 1 || (STILL_CODECS.has(video.codec_name ?? '') && positive(video.duration) === undefined && positive(format.duration) === undefined))

  if (!still) {
    facts.duration = positive(format.duration) ?? positive(video?.duration) ?? positive(audio?.duration)
    if (video) facts.fps = parseRate(video.avg_frame_rate) ?? parseRate(video.r_frame_rate)
  }
  return facts
}

// ---------------------------------------------------------------------------
// ffmpeg

export interface RunFfmpegOptions {
  signal?: AbortSignal
  /** Called with the number of video frames written so far. */
  onProgress?: (frame: number) => void
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason
  if (reason instanceof Error) return reason
  const error = new Error('The render was aborted')
  error.name = 'AbortError'
  return error
}

const STDERR_TAIL = 4000

/**
 * Runs the bundled ffmpeg (no shell) with `-hide_banner -nostdin -v error
 * -progress pipe:1` prepended. Rejects with the tail of stderr on failure and
 * kills the process when `signal` aborts.
 */
export async function runFfmpeg(args: string[], opts: RunFfmpegOptions = {}): Promise<void> {
  const { signal, onProgress } = opts
  if (signal?.aborted) throw abortError(signal)
  let stderr = ''
  let pending = ''
  const exit = await launchProcess(ffmpegPath(), ['-hide_banner', '-nostdin', '-v', 'error', '-progress', 'pipe:1', ...args], {
    signal,
    onStdout: (chunk) => {
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      if (!onProgress) return
      for (const line of lines) {
        const match = /^frame=\s*(\d+)/.exec(line.trim())
        if (match?.[1] !== undefined) onProgress(Number(match[1]))
      }
    },
    onStderr: (chunk) => void (stderr = (stderr + chunk).slice(-STDERR_TAIL)),
  })
  if (signal?.aborted) throw abortError(signal)
  if (exit.code === 0) return
  const tail = stderr.trim()
  throw new Error(`ffmpeg exited with ${exitText(exit)}${tail ? `: ${tail}` : ''}`)
}
