import { fileTypeFromBuffer } from 'file-type'
import type { MediaKind } from '@/lib/schema/fields'

/** How many leading bytes a type is read from (file-type's own sample size). */
export const SNIFF_BYTES = 4100

export type Sniffed =
  | { ok: true; mime: string }
  /** `certain`: the bytes were read and are something else (text, an image for a video field, …). */
  | { ok: false; certain: boolean; what: string }

const NOUN: Record<Exclude<MediaKind, 'file'>, string> = { video: 'a video', audio: 'an audio file', image: 'an image' }

export function mediaNoun(kind: MediaKind): string {
  return kind === 'file' ? 'a file' : NOUN[kind]
}

/** Containers a field of `kind` can take: an audio field also takes a video container's sound. */
function fits(kind: MediaKind, mime: string): boolean {
  if (kind === 'file') return true
  if (kind === 'image') return mime.startsWith('image/') && !mime.includes('svg')
  if (mime === 'application/ogg') return true
  return mime.startsWith('video/') || (kind === 'audio' && mime.startsWith('audio/'))
}

function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return true
  // A multi-byte character may be cut at the sample's end.
  const sample = head.subarray(0, Math.max(0, head.length - 3))
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(sample)
    return !/[\u0000-\u0008\u000e-\u001f]/.test(text)
  } catch {
    return false
  }
}

function describeText(contentType: string | undefined): string {
  const essence = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase()
  if (essence === 'text/html') return 'a web page (text/html)'
  if (essence === 'application/json' || essence.endsWith('+json')) return `JSON data (${essence})`
  return essence && !essence.startsWith('text/plain') && !essence.startsWith('application/octet-stream') ? `text (${essence})` : 'plain text'
}

/**
 * What a file's first bytes are, for a field taking `kind`: its type read from the bytes, never from
 * its name or a declared type. `contentType` (what a server said) only names text more precisely.
 */
export async function sniffMediaBytes(kind: MediaKind, head: Uint8Array, contentType?: string): Promise<Sniffed> {
  const found = await fileTypeFromBuffer(head.subarray(0, SNIFF_BYTES))
  if (found) return fits(kind, found.mime) ? { ok: true, mime: found.mime } : { ok: false, certain: true, what: `${found.ext.toUpperCase()} (${found.mime})` }
  if (head.length === 0) return { ok: false, certain: true, what: 'empty' }
  if (looksLikeText(head)) return { ok: false, certain: true, what: describeText(contentType) }
  return { ok: false, certain: false, what: 'in a format the browser does not recognise' }
}

/** The reason to show for bytes that are not `kind`'s media, after "…: ". */
export function notMediaReason(kind: MediaKind, sniffed: Extract<Sniffed, { ok: false }>): string {
  if (sniffed.what === 'empty') return 'it is empty'
  if (!sniffed.certain) return `it is ${sniffed.what}`
  return `its bytes are ${sniffed.what}, not ${mediaNoun(kind)}`
}

/** A local file's first bytes, read before anything is uploaded. */
export async function sniffFile(kind: MediaKind, file: Blob): Promise<Sniffed> {
  return sniffMediaBytes(kind, new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()))
}
