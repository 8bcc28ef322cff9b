import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { InputMediaFacts } from '@/lib/generation/output-shape'
import { mediaRoleOf } from '@/lib/generation/output-shape'
import { safeDownload, SafeFetchError } from '@/lib/http/safe-fetch'
import type { Payload } from '@/lib/schema'
import type { FileStore } from './files'
import { fileIdOf } from '@/lib/fal/local-simulator'
import { probeMedia } from '@/lib/media/media-tools'

const FETCH_TIMEOUT_MS = 60_000
const FETCH_IDLE_TIMEOUT_MS = 15_000
const MAX_MEDIA_BYTES = 512 * 1024 * 1024
const BASE64_DATA_URI = /^data:[^;,]*(?:;[^,;]*)*;base64,(.*)$/is

/** An input media URL the backend could not read: reported as a 422 on its field, as fal does. */
export class MediaFetchError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
  }
}

export interface ResolvedMedia {
  sources: { video?: string; image?: string; audio?: string }
  facts: InputMediaFacts
}

type Role = keyof InputMediaFacts

interface ResolveOptions {
  env: NodeJS.ProcessEnv
  /** Stops a download when the request is cancelled. */
  signal?: AbortSignal
}

/**
 * A local file holding the media at `url`: this backend's own files are read from its store on disk
 * (whatever host the URL names), data URIs are decoded, anything else is downloaded through the
 * SSRF-safe fetcher.
 */
async function localCopy(url: string, field: string, role: Role, files: FileStore, workDir: string, { env, signal }: ResolveOptions): Promise<string> {
  const cannot = (reason: string) => new MediaFetchError(field, `could not read the ${role} at ${field}: ${reason}`)
  const own = fileIdOf(url)
  if (own) {
    const file = await files.localPath(own)
    if (!file) throw cannot('the file does not exist')
    return file
  }
  // No extension: ffmpeg never takes a downloaded file for a playlist of other files.
  const target = path.join(workDir, field)
  if (/^data:/i.test(url)) {
    const base64 = BASE64_DATA_URI.exec(url)?.[1]
    if (base64 === undefined) throw cannot('only base64 data URIs are read')
    if (Math.floor((base64.length * 3) / 4) > MAX_MEDIA_BYTES) throw cannot(`it is larger than ${MAX_MEDIA_BYTES / 1024 / 1024} MB`)
    await writeFile(target, Buffer.from(base64, 'base64'))
    return target
  }
  try {
    await safeDownload(url, target, { field, what: role, maxBytes: MAX_MEDIA_BYTES, timeoutMs: FETCH_TIMEOUT_MS, idleTimeoutMs: FETCH_IDLE_TIMEOUT_MS, env, signal })
  } catch (error) {
    if (error instanceof SafeFetchError) throw new MediaFetchError(field, error.message)
    throw error
  }
  return target
}

/** Fetches and probes every media input of a request. */
export async function resolveMedia(input: Payload, files: FileStore, workDir: string, { env = process.env, signal }: Partial<ResolveOptions> = {}): Promise<ResolvedMedia> {
  await mkdir(workDir, { recursive: true })
  const resolved: ResolvedMedia = { sources: {}, facts: {} }
  for (const [field, value] of Object.entries(input)) {
    const role = mediaRoleOf(field)
    if (!role || typeof value !== 'string' || value === '') continue
    const file = await localCopy(value, field, role, files, workDir, { env, signal })
    const facts = await probeMedia(file).catch(() => {
      throw new MediaFetchError(field, `${field} is not a readable ${role} file`)
    })
    if (role !== 'audio' && !facts.hasVideo) throw new MediaFetchError(field, `${field} has no picture`)
    if (role === 'audio' && !facts.hasAudio) throw new MediaFetchError(field, `${field} has no audio`)
    resolved.sources[role] = file
    resolved.facts[role] = facts
  }
  return resolved
}
