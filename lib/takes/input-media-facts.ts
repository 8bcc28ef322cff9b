import 'server-only'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { SUBMIT_BODY_MAX_BYTES } from '@/lib/fal/body-limits'
import type { BackendMode } from '@/lib/fal/backend'
import { mediaRoleOf, type InputMediaFacts, type MediaFacts } from '@/lib/generation/output-shape'
import { SafeFetchError } from '@/lib/http/safe-fetch'
import { remoteMediaFacts } from '@/lib/media/remote-media-facts'
import { probeMedia } from '@/lib/media/media-tools'
import { simulatorFile } from '@/lib/fal/local-simulator-file'
import type { Payload } from '@/lib/schema'

export type MediaRole = keyof InputMediaFacts

/** A media input whose facts the server could not read, and why (the estimate then assumes the most the schema allows). */
export interface UnreadMedia {
  field: string
  role: MediaRole
  reason: string
}

const PROBE_TIMEOUT_MS = 5000
/** A data URI arrives inside a submit's body, so it can be no larger; this bounds the decoded bytes all the same. */
const MAX_DATA_URI_BYTES = SUBMIT_BODY_MAX_BYTES
const BASE64_DATA_URI = /^data:[^;,]*(?:;[^,;]*)*;base64,(.*)$/is

class Unread extends Error {}

/** Facts of the simulator's own files, which are never rewritten: a sweep's cells and repeated takes probe a file once. */
const ownFileFacts = new Map<string, MediaFacts>()
const OWN_FILE_FACTS_KEPT = 256

async function probeOwnFile(file: string, field: string, role: MediaRole): Promise<MediaFacts> {
  const known = ownFileFacts.get(file)
  if (known) return known
  const facts = await probeFile(file, field, role)
  if (ownFileFacts.size >= OWN_FILE_FACTS_KEPT) ownFileFacts.delete(ownFileFacts.keys().next().value!)
  ownFileFacts.set(file, facts)
  return facts
}

/** Probes a local file (never a URL: ffprobe would do its own networking). */
async function probeFile(file: string, field: string, role: MediaRole): Promise<MediaFacts> {
  const facts = await probeMedia(file, { timeoutMs: PROBE_TIMEOUT_MS }).catch(() => undefined)
  if (!facts) throw new Unread(`could not read the ${role} at ${field}: it is not a ${role} file the studio can read`)
  return facts
}

async function probeDataUri(value: string, field: string, role: MediaRole): Promise<MediaFacts> {
  const base64 = BASE64_DATA_URI.exec(value)?.[1]
  if (base64 === undefined) throw new Unread(`could not read the ${role} at ${field}: only base64 data URIs are read`)
  if (Math.floor((base64.length * 3) / 4) > MAX_DATA_URI_BYTES) throw new Unread(`could not read the ${role} at ${field}: it is larger than ${MAX_DATA_URI_BYTES / 1024 / 1024} MB`)
  const dir = await mkdtemp(path.join(tmpdir(), 'takes-probe-'))
  try {
    const file = path.join(dir, 'media')
    await writeFile(file, Buffer.from(base64, 'base64'))
    return await probeFile(file, field, role)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** A media value's facts: a data URI decoded, the simulator's own file read where it is kept, any other URL through the safe fetcher. */
async function factsOf(value: string, field: string, role: MediaRole, mode: BackendMode, env: NodeJS.ProcessEnv): Promise<MediaFacts> {
  if (/^data:/i.test(value)) return probeDataUri(value, field, role)
  const own = await simulatorFile(value, mode, env)
  if (own?.kind === 'missing') throw new Unread(`could not read the ${role} at ${field}: the studio has no such file`)
  if (own?.kind === 'disk') return probeOwnFile(own.path, field, role)
  if (own?.kind === 'http') return remoteMediaFacts(own.url, { field, what: role, env, allowHosts: own.allowHosts, headers: own.headers })
  return remoteMediaFacts(value, { field, what: role, env })
}

/** Whether the facts are of the kind the role needs (a picture for video and image, sound for audio). */
function fitsRole(facts: MediaFacts, role: MediaRole): boolean {
  return role === 'audio' ? facts.hasAudio === true : facts.hasVideo === true
}

/**
 * Size, duration and frame rate of every media input of a submit, read by the server itself so the
 * estimate a cap checks does not rest on what the browser says. Inputs it cannot read are listed in
 * `unread`, each with its reason in plain words.
 */
export async function inputMediaFacts(
  input: Payload,
  mode: BackendMode,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ facts: InputMediaFacts; unread: UnreadMedia[] }> {
  const facts: InputMediaFacts = {}
  const unread: UnreadMedia[] = []
  await Promise.all(
    Object.entries(input).map(async ([field, value]) => {
      const role = mediaRoleOf(field)
      if (!role || typeof value !== 'string' || value === '') return
      try {
        const read = await factsOf(value, field, role, mode, env)
        if (!fitsRole(read, role)) throw new Unread(`could not read the ${role} at ${field}: it has no ${role === 'audio' ? 'sound' : 'picture'}`)
        facts[role] = read
      } catch (error) {
        const reason = error instanceof Unread || error instanceof SafeFetchError ? error.message : `could not read the ${role} at ${field}`
        unread.push({ field, role, reason })
      }
    }),
  )
  return { facts, unread }
}
