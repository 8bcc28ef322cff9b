import 'server-only'

/**
 * Where the studio keeps its own copy of each take's output (video and poster frame), so links
 * keep working after fal's URLs expire. Keys are `<dir>/<name>`, e.g. `<takeId>/video.mp4`.
 */
export interface OutputStore {
  /** Stores `source` (a file path, which is copied and left in place, or bytes) under `key`, replacing what was there. */
  put(key: string, source: string | Uint8Array, contentType: string): Promise<void>
  /**
   * Answers a GET for `key`: 200, or 206 / 416 for a single byte range, with Accept-Ranges,
   * Content-Type, Content-Length and a year's immutable caching; 404 when missing or not a valid key.
   */
  serve(key: string, rangeHeader: string | null): Promise<Response>
  /** Deletes every key starting with `prefix`, which must start with a whole `<dir>/` (e.g. `<takeId>/`). */
  deletePrefix(prefix: string): Promise<void>
}

/** Stored files are never rewritten with different bytes under one key, so clients may keep them. */
/**
 * Kept files answer only their owner or a share link's current token: browsers may keep them, shared
 * caches (a CDN, a reverse proxy) must not, or a private or revoked take's file would outlive its gate.
 */
export const OUTPUT_CACHE_CONTROL = 'private, max-age=31536000, immutable'

const DIR = '[A-Za-z0-9_-]+'
// A name may hold dots but not start with one: no `.`/`..`, and hidden names stay the store's own.
const NAME = '[A-Za-z0-9_-][A-Za-z0-9._-]*'
const KEY = new RegExp(`^${DIR}/${NAME}$`)
const PREFIX = new RegExp(`^${DIR}/(${NAME})?$`)

export class InvalidKeyError extends Error {
  constructor(what: 'key' | 'prefix', value: string) {
    super(`Invalid output ${what} ${JSON.stringify(value.slice(0, 200))}: expected <dir>/<name> of letters, digits, '_', '-' (and '.' in the name)`)
    this.name = 'InvalidKeyError'
  }
}

export function isValidKey(key: string): boolean {
  return KEY.test(key)
}

/** Throws unless `key` is `<dir>/<name>` of safe characters (no traversal, no hidden names). */
export function assertValidKey(key: string): void {
  if (!KEY.test(key)) throw new InvalidKeyError('key', key)
}

/** The name part of a valid key (`<dir>/<name>` → `<name>`). */
export function nameOfKey(key: string): string {
  return key.slice(key.indexOf('/') + 1)
}

/** Splits a valid prefix into its directory and the (possibly empty) start of a name. */
export function splitPrefix(prefix: string): { dir: string; namePrefix: string } {
  if (!PREFIX.test(prefix)) throw new InvalidKeyError('prefix', prefix)
  const slash = prefix.indexOf('/')
  return { dir: prefix.slice(0, slash), namePrefix: prefix.slice(slash + 1) }
}

const CONTENT_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=("[^"\r\n]*"|[A-Za-z0-9!#$&^_.+-]+))*$/

/** `contentType` if it is a well-formed media type (it ends up in a response header), else octet-stream. */
export function safeContentType(contentType: string | null | undefined): string {
  const trimmed = contentType?.trim() ?? ''
  return CONTENT_TYPE.test(trimmed) ? trimmed : 'application/octet-stream'
}

const TYPES_BY_EXTENSION: Record<string, string> = {
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
}

/** A content type guessed from a key's extension, for stores that cannot say. */
export function contentTypeOfKey(key: string): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(key)?.[1]?.toLowerCase()
  return (extension && TYPES_BY_EXTENSION[extension]) ?? 'application/octet-stream'
}

export function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } })
}
