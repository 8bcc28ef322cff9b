import 'server-only'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { MediaFacts } from '@/lib/generation/output-shape'
import { safeFetchBytes, SafeFetchError, type SafeFetchOptions, type SafeFetchResult } from '@/lib/http/safe-fetch'
import { probeMedia } from '@/lib/media/media-tools'

/**
 * Size, duration and frame rate of the media at a URL, reading only what they need: the file's head
 * by a range request; if ffprobe cannot read the facts from it, the tail too (where an MP4 written
 * without faststart keeps its index), both written at their offsets into a sparse file of the full
 * size, so offsets and sizes in the file hold. A server without ranges is read whole, up to a cap.
 * Every read goes through the SSRF-safe fetcher, and ffprobe only ever opens the local file.
 */

export interface RemoteMediaLimits {
  headBytes: number
  tailBytes: number
  /** The most read from a server that ignores ranges. */
  wholeBytes: number
  /** A file claiming more than this is not laid out on disk (its facts stay unread). */
  largestFileBytes: number
  /** All reads together. */
  timeoutMs: number
  idleTimeoutMs: number
  probeTimeoutMs: number
}

export const REMOTE_MEDIA_LIMITS: RemoteMediaLimits = {
  headBytes: 2 * 1024 * 1024,
  tailBytes: 4 * 1024 * 1024,
  wholeBytes: 32 * 1024 * 1024,
  largestFileBytes: 64 * 1024 ** 3,
  timeoutMs: 10_000,
  idleTimeoutMs: 5_000,
  probeTimeoutMs: 5_000,
}

/** Which field asks, for errors, and how to reach the URL: allow-list, headers for a configured host, a test's resolver. */
export type RemoteMediaSource = Pick<SafeFetchOptions, 'field' | 'what' | 'env' | 'allowHosts' | 'headers' | 'resolve' | 'signal'>

async function probeOrUndefined(file: string, timeoutMs: number): Promise<MediaFacts | undefined> {
  const facts = await probeMedia(file, { timeoutMs }).catch(() => undefined)
  return facts && (facts.hasVideo || facts.hasAudio) ? facts : undefined
}

export async function remoteMediaFacts(url: string, source: RemoteMediaSource, limits: RemoteMediaLimits = REMOTE_MEDIA_LIMITS): Promise<MediaFacts> {
  const started = Date.now()
  const read = (range: SafeFetchOptions['range'], maxBytes: number) =>
    safeFetchBytes(url, {
      ...source,
      range,
      maxBytes,
      overflow: 'truncate',
      timeoutMs: Math.max(1, limits.timeoutMs - (Date.now() - started)),
      idleTimeoutMs: limits.idleTimeoutMs,
    })

  const dir = await mkdtemp(path.join(tmpdir(), 'takes-remote-media-'))
  // No extension: ffprobe then never takes the bytes for a playlist of other files.
  const file = path.join(dir, 'media')
  const handle = await open(file, 'w+')
  const place = async (part: SafeFetchResult & { bytes: Buffer }) => {
    await handle.write(part.bytes, 0, part.bytes.length, part.offset)
  }
  try {
    const head = await read({ start: 0, end: limits.headBytes - 1 }, limits.headBytes)
    // The true size matters beyond offsets: ffprobe estimates some durations (MP3, ADTS) from it.
    const size = head.totalBytes
    if (size !== undefined && size > limits.largestFileBytes) throw notReadable(source, `it is larger than ${Math.round(limits.largestFileBytes / 1024 ** 3)} GB`)
    if (size !== undefined) await handle.truncate(size)
    await place(head)
    let complete = !head.truncated && (head.status === 200 || head.bytesRead >= (size ?? Infinity))
    let facts = await probeOrUndefined(file, limits.probeTimeoutMs)

    if (!facts && !complete && head.status === 206 && size !== undefined) {
      const tailStart = Math.max(head.bytesRead, size - limits.tailBytes)
      await place(await read({ start: tailStart, end: size - 1 }, limits.tailBytes))
      facts = await probeOrUndefined(file, limits.probeTimeoutMs)
    } else if (!facts && !complete) {
      // No usable ranges: read it whole, as far as the cap.
      const whole = await read(undefined, limits.wholeBytes)
      await place(whole)
      complete = !whole.truncated
      facts = await probeOrUndefined(file, limits.probeTimeoutMs)
    }
    if (!facts) throw notReadable(source, `it is not a ${source.what ?? 'media'} file the studio can read`)
    // Facts of part of a file of unknown size could be too small (a duration estimated from the size).
    if (!complete && size === undefined) throw notReadable(source, 'the server tells neither its size nor serves byte ranges')
    return facts
  } finally {
    await handle.close()
    await rm(dir, { recursive: true, force: true })
  }
}

function notReadable(source: RemoteMediaSource, reason: string): SafeFetchError {
  return new SafeFetchError(source.field, 'not_media', `could not read the ${source.what ?? 'file'} at ${source.field}: ${reason}`)
}
