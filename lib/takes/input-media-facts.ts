import 'server-only'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { localBackendBase, type BackendMode } from '@/lib/fal/backend'
import { mediaRoleOf, type InputMediaFacts } from '@/lib/generation/output-shape'
import { fileIdOf } from '@/lib/local-fal/files'
import { probeMedia } from '@/lib/local-fal/media-tools'
import type { Payload } from '@/lib/schema'

const PROBE_TIMEOUT_MS = 5000
const DATA_URI = /^data:[^;,]+(?:;[^,]*)?;base64,(.*)$/s

/** fal's own storage, where the studio's uploads go: the server reads only these URLs, never arbitrary ones. */
function isFalStorage(url: URL): boolean {
  return url.protocol === 'https:' && (url.hostname === 'fal.media' || url.hostname.endsWith('.fal.media'))
}

async function probeDataUri(base64: string) {
  const dir = await mkdtemp(path.join(tmpdir(), 'takes-probe-'))
  try {
    const file = path.join(dir, 'media')
    await writeFile(file, Buffer.from(base64, 'base64'))
    return await probeMedia(file, { timeoutMs: PROBE_TIMEOUT_MS })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Where the server can read a media value from: a data URI, the local backend's files, or fal's storage. */
async function factsOf(value: string, mode: BackendMode) {
  const data = DATA_URI.exec(value)
  if (data) return probeDataUri(data[1] ?? '')
  const localId = mode === 'local' ? fileIdOf(value) : undefined
  // Asked of the backend itself (this server's, or the one several servers share), whatever host the URL names.
  if (localId) return probeMedia(`${localBackendBase()}/files/${localId}`, { timeoutMs: PROBE_TIMEOUT_MS })
  return mode === 'fal' && isFalStorage(new URL(value)) ? probeMedia(value, { timeoutMs: PROBE_TIMEOUT_MS }) : undefined
}

/**
 * Size, duration and frame rate of a submit's input media, as far as the server can read them
 * safely, so the estimate it records matches the browser's. Media it cannot read are left out
 * (the estimate then lists its assumption).
 */
export async function inputMediaFacts(input: Payload, mode: BackendMode): Promise<InputMediaFacts> {
  const facts: InputMediaFacts = {}
  await Promise.all(
    Object.entries(input).map(async ([field, value]) => {
      const role = mediaRoleOf(field)
      if (!role || typeof value !== 'string' || value === '') return
      const read = await factsOf(value, mode).catch(() => undefined)
      if (read) facts[role] = read
    }),
  )
  return facts
}
