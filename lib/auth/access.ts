/**
 * Paths anyone may open when the studio has a password: signing in, shared take pages (`/s/<token>`)
 * and kept media (whose route answers a signed-out caller only with the take's current share token).
 */
const PUBLIC_PATHS: readonly RegExp[] = [
  /^\/login$/,
  /^\/api\/auth\/login$/,
  /^\/s\/[A-Za-z0-9_-]+$/,
  /^\/api\/outputs\//,
  /^\/_next\//,
  /^\/favicon\.ico$/,
  // The studio's icons and its default link-preview image: a shared take's viewers and crawlers load them.
  /^\/(?:icon\.svg|apple-touch-icon\.png|og\.png)$/,
]

/** A take's JSON and its event stream, which its share page watches while the take runs; the route answers signed-out callers only with the take's share token. */
const SHARED_TAKE_API = /^\/api\/takes\/[A-Za-z0-9_-]+(?:\/events)?$/

export function isPublicPath(pathname: string, method: string): boolean {
  if (PUBLIC_PATHS.some((pattern) => pattern.test(pathname))) return true
  return method === 'GET' && SHARED_TAKE_API.test(pathname)
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Whether a state-changing request comes from another site: its `Origin` is not the studio's (the
 * request's own host, or `TAKES_PUBLIC_URL`), or the browser says it is cross-site. Requests without
 * either header (curl, servers) are not browsers' cross-site requests.
 */
export function isCrossOrigin(method: string, headers: Headers, publicUrl: string | undefined): boolean {
  if (SAFE_METHODS.has(method)) return false
  if (headers.get('sec-fetch-site') === 'cross-site') return true
  const origin = headers.get('origin')
  if (!origin) return false
  let host: string
  try {
    host = new URL(origin).host
  } catch {
    return true
  }
  const allowed = new Set([headers.get('x-forwarded-host'), headers.get('host')].filter((value): value is string => Boolean(value)))
  if (publicUrl) allowed.add(new URL(publicUrl).host)
  return !allowed.has(host)
}

/** What no plain path holds: control characters (a CR/LF would split headers; browsers drop tabs and newlines from URLs) and backslashes (browsers read them as slashes). */
function notInAPlainPath(char: string): boolean {
  const code = char.charCodeAt(0)
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || char === '\\'
}
/** The same, percent-encoded (`%0d%0a`, `%5c`): refused too rather than trusted to stay encoded. */
const ENCODED_NOT_IN_A_PLAIN_PATH = /%(?:[01][0-9a-f]|7f|5c)/i
const MAX_NEXT_LENGTH = 2048
const SOME_ORIGIN = 'http://studio.invalid'

/** A `next` address to return to after signing in: a plain path on this site (normalised), else `/`. */
export function safeNextPath(next: unknown): string {
  const plain = typeof next === 'string' && next.length <= MAX_NEXT_LENGTH && next.startsWith('/') && !next.startsWith('//')
  if (!plain || [...next].some(notInAPlainPath) || ENCODED_NOT_IN_A_PLAIN_PATH.test(next)) {
    return '/'
  }
  let url: URL
  try {
    url = new URL(next, SOME_ORIGIN)
  } catch {
    return '/'
  }
  // Whatever the parser makes of it, it must still be on this site.
  return url.origin === SOME_ORIGIN ? `${url.pathname}${url.search}${url.hash}` : '/'
}
