import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { InputMediaFacts } from '@/lib/generation/output-shape'
import { mediaRoleOf } from '@/lib/generation/output-shape'
import type { Payload } from '@/lib/schema'
import type { FileStore } from './files'
import { fileIdOf } from './files'
import { probeMedia } from './media-tools'

const FETCH_TIMEOUT_MS = 20_000
const MAX_MEDIA_BYTES = 512 * 1024 * 1024
const DATA_URI = /^data:[^;,]+(?:;[^,]*)?;base64,(.*)$/s

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

async function download(url: string, target: string, field: string): Promise<void> {
  let response: Response
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow' })
  } catch (error) {
    throw new MediaFetchError(field, `Could not download ${field}: ${error instanceof Error ? error.message : 'network error'}`)
  }
  if (!response.ok) throw new MediaFetchError(field, `Could not download ${field}: the server answered ${response.status}`)
  const length = Number(response.headers.get('content-length') ?? 0)
  if (length > MAX_MEDIA_BYTES) throw new MediaFetchError(field, `${field} is larger than ${MAX_MEDIA_BYTES / 1024 / 1024} MB`)
  const bytes = new Uint8Array(await response.arrayBuffer())
  if (bytes.byteLength > MAX_MEDIA_BYTES) throw new MediaFetchError(field, `${field} is too large`)
  await writeFile(target, bytes)
}

/** A local file holding the media at `url`: this backend's own files are read from disk. */
async function localCopy(url: string, field: string, files: FileStore, workDir: string): Promise<string> {
  const own = fileIdOf(url)
  if (own) {
    const file = await files.localPath(own)
    if (!file) throw new MediaFetchError(field, `${field} points to a file that does not exist`)
    return file
  }
  const target = path.join(workDir, field)
  const data = DATA_URI.exec(url)
  if (data) {
    await writeFile(target, Buffer.from(data[1] ?? '', 'base64'))
    return target
  }
  if (/^https?:\/\//.test(url)) {
    await download(url, target, field)
    return target
  }
  throw new MediaFetchError(field, `${field} must be an http(s) URL or a base64 data URI`)
}

/** Fetches and probes every media input of a request. */
export async function resolveMedia(input: Payload, files: FileStore, workDir: string): Promise<ResolvedMedia> {
  await mkdir(workDir, { recursive: true })
  const resolved: ResolvedMedia = { sources: {}, facts: {} }
  for (const [field, value] of Object.entries(input)) {
    const role = mediaRoleOf(field)
    if (!role || typeof value !== 'string' || value === '') continue
    const file = await localCopy(value, field, files, workDir)
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
