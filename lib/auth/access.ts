/** Paths anyone may open when the studio has a password: signing in, shared take pages and their media. */
const PUBLIC_PATHS: readonly RegExp[] = [
  /^\/login$/,
  /^\/api\/auth\/login$/,
  /^\/t\/[A-Za-z0-9_-]+$/,
  /^\/api\/outputs\//,
  /^\/_next\//,
  /^\/favicon\.ico$/,
]

/** A take's JSON, which its public page reads while the take runs; the route answers signed-out callers only for shared takes. */
const SHARED_TAKE_API = /^\/api\/takes\/[A-Za-z0-9_-]+$/

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

/** A `next` address to return to after signing in: a path on this site, never another site. */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/'
  return next
}
