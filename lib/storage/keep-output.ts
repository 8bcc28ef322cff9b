import 'server-only'
import { copyFile, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import { backendMode } from '@/lib/fal/backend'
import { safeDownload, SafeFetchError } from '@/lib/http/safe-fetch'
import { runFfmpeg } from '@/lib/media/media-tools'
import { videoOf } from '@/lib/generation/output-video'
import { simulatorFile } from '@/lib/fal/local-simulator-file'
import type { JsonValue } from '@/lib/schema'
import { outputStore } from './index'
import { assertValidKey, type OutputStore } from './store'

/** Outputs larger than this are refused (LTX-2 clips are tens of megabytes). */
export const MAX_OUTPUT_BYTES = 2 * 1024 ** 3
/** The whole download must finish within this… */
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000
/** …and never stall for longer than this. */
const IDLE_TIMEOUT_MS = 60_000
const POSTER_TIMEOUT_MS = 60_000
/** The poster frame's greatest width; smaller videos keep their own size. */
export const POSTER_MAX_WIDTH = 640

export interface KeepOutputOptions {
  /** Where to keep it; `outputStore()` by default. */
  store?: OutputStore
  maxBytes?: number
  timeoutMs?: number
  idleTimeoutMs?: number
  /** Where the backend mode and TAKES_FETCH_ALLOW_HOSTS are read; process.env by default. */
  env?: NodeJS.ProcessEnv
}

export interface KeptOutput {
  videoKey: string | null
  posterKey: string | null
}

/** Keeping a take's output failed in a way worth retrying later (download refused, cut short, too slow…). */
export class KeepOutputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'KeepOutputError'
  }
}

const EXTENSIONS: Record<string, string> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'video/x-matroska': 'mkv',
}
const TYPES: Record<string, string> = Object.fromEntries(Object.entries(EXTENSIONS).map(([type, ext]) => [ext, type]))

// Only plain containers: a playlist (HLS, concat…) could make ffmpeg open other files or URLs.
const DEMUXERS = 'mov,matroska,webm'

function mediaType(value: string | null | undefined): string | undefined {
  const type = value?.split(';')[0]?.trim().toLowerCase()
  return type && EXTENSIONS[type] ? type : undefined
}

/** The video's content type: fal's word for it, else the server's or data URI's, else its file name's, else MP4. */
function videoType(declared: JsonValue | undefined, served: string | null | undefined, fileName: JsonValue | undefined): string {
  const fromName = typeof fileName === 'string' ? TYPES[path.extname(fileName).slice(1).toLowerCase()] : undefined
  return mediaType(typeof declared === 'string' ? declared : undefined) ?? mediaType(served) ?? fromName ?? 'video/mp4'
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

type DownloadLimits = Required<Pick<KeepOutputOptions, 'maxBytes' | 'timeoutMs' | 'idleTimeoutMs'>>

/**
 * Copies the output at `url` into `file`; returns the served content type. The simulator's own
 * files are read where it keeps them; any other URL only through the SSRF-safe fetcher.
 */
async function download(url: URL, file: string, limits: DownloadLimits, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const own = await simulatorFile(url.href, backendMode(env), env)
  if (own?.kind === 'missing') throw new KeepOutputError("The output video is not among the simulator's files")
  if (own?.kind === 'disk') {
    if ((await stat(own.path)).size > limits.maxBytes) throw new KeepOutputError(`The output video is larger than the ${limits.maxBytes}-byte limit`)
    await copyFile(own.path, file)
    return undefined
  }
  const reachedAs = own?.kind === 'http' ? { allowHosts: own.allowHosts, headers: own.headers } : {}
  try {
    const fetched = await safeDownload(own?.kind === 'http' ? own.url : url.href, file, { field: 'video.url', what: 'output video', ...limits, env, ...reachedAs })
    if (fetched.bytesRead === 0) throw new KeepOutputError('The output video is an empty file')
    return fetched.contentType
  } catch (error) {
    if (error instanceof SafeFetchError) throw new KeepOutputError(error.message, { cause: error })
    throw error
  }
}

/** Decodes a `data:` URI into `file`; returns its media type. */
async function decodeDataUri(uri: string, file: string, maxBytes: number): Promise<string | undefined> {
  const comma = uri.indexOf(',')
  if (!uri.startsWith('data:') || comma < 0) throw new KeepOutputError('The output video is a malformed data: URI')
  const params = uri.slice('data:'.length, comma).split(';')
  const payload = uri.slice(comma + 1)
  const base64 = params.at(-1)?.trim().toLowerCase() === 'base64'
  if ((base64 ? Math.floor((payload.length * 3) / 4) : payload.length) > maxBytes) {
    throw new KeepOutputError(`The output video's data: URI is over the ${maxBytes}-byte limit`)
  }
  let bytes: Buffer
  try {
    bytes = base64 ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'latin1')
  } catch (error) {
    throw new KeepOutputError(`The output video's data: URI cannot be decoded: ${reason(error)}`, { cause: error })
  }
  if (bytes.byteLength === 0) throw new KeepOutputError("The output video's data: URI is empty")
  await writeFile(file, bytes)
  return params[0]?.includes('/') ? params[0] : undefined
}

const MP4_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot'])

/** Whether `file` starts like an MP4/QuickTime or Matroska/WebM file (not, say, an HTML error page). */
async function looksLikeVideo(file: string): Promise<boolean> {
  const handle = await open(file, 'r')
  try {
    const head = Buffer.alloc(12)
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    if (bytesRead >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return true
    return bytesRead >= 8 && MP4_BOXES.has(head.toString('latin1', 4, 8))
  } finally {
    await handle.close()
  }
}

/** The first frame as a JPEG, no wider than POSTER_MAX_WIDTH. */
async function extractPoster(video: string, poster: string): Promise<void> {
  await runFfmpeg(
    [
      '-y',
      '-protocol_whitelist', 'file',
      '-format_whitelist', DEMUXERS,
      '-i', video,
      '-frames:v', '1',
      '-vf', `scale='min(${POSTER_MAX_WIDTH},iw)':-2`,
      '-q:v', '4',
      poster,
    ],
    { signal: AbortSignal.timeout(POSTER_TIMEOUT_MS) },
  )
}

/**
 * Copies a take's output video (fal's `output.video.url`: http(s) or a data: URI) into the output
 * store as `<takeId>/video.<ext>`, with its first frame as `<takeId>/poster.jpg`. Returns nulls when
 * the output has no video. Throws a KeepOutputError when the video cannot be fetched (the caller
 * retries); a poster that cannot be made is left out (posterKey null) rather than losing the copy.
 * Calling it again for the same take writes the same keys.
 */
export async function keepTakeOutput(
  takeId: string,
  output: { [key: string]: JsonValue },
  options: KeepOutputOptions = {},
): Promise<KeptOutput> {
  const video = videoOf(output)
  if (!video || video.url === '') return { videoKey: null, posterKey: null }
  assertValidKey(`${takeId}/poster.jpg`)
  const limits = {
    maxBytes: options.maxBytes ?? MAX_OUTPUT_BYTES,
    timeoutMs: options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS,
    idleTimeoutMs: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
  }
  const store = options.store ?? outputStore()

  const work = await mkdtemp(path.join(os.tmpdir(), 'takes-keep-'))
  try {
    const videoFile = path.join(work, 'video')
    let servedType: string | null | undefined
    if (video.url.startsWith('data:')) {
      servedType = await decodeDataUri(video.url, videoFile, limits.maxBytes)
    } else {
      let url: URL
      try {
        url = new URL(video.url)
      } catch {
        throw new KeepOutputError('The output video URL is not a URL')
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new KeepOutputError(`The output video URL's scheme ${url.protocol} is not http(s)`)
      servedType = await download(url, videoFile, limits, options.env ?? process.env)
    }

    if (!(await looksLikeVideo(videoFile))) {
      throw new KeepOutputError(`The output video of take ${takeId} is not an MP4 or WebM file`)
    }

    const contentType = videoType(video.contentType, servedType, video.fileName)
    const videoKey = `${takeId}/video.${EXTENSIONS[contentType] ?? 'mp4'}`
    const posterFile = path.join(work, 'poster.jpg')
    let posterMade = true
    try {
      await extractPoster(videoFile, posterFile)
    } catch (error) {
      posterMade = false
      console.warn(`[storage] no poster for take ${takeId}: ${reason(error)}`)
    }

    await store.put(videoKey, videoFile, contentType)
    if (!posterMade) return { videoKey, posterKey: null }
    const posterKey = `${takeId}/poster.jpg`
    await store.put(posterKey, posterFile, 'image/jpeg')
    return { videoKey, posterKey }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** Deletes everything kept for a take (its video and poster). */
export async function deleteTakeOutput(takeId: string, store: OutputStore = outputStore()): Promise<void> {
  assertValidKey(`${takeId}/video.mp4`)
  await store.deletePrefix(`${takeId}/`)
}
