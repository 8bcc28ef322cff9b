/**
 * The studio's public origin: TAKES_PUBLIC_URL when set (e.g. behind a proxy that rewrites the
 * host), else the origin the request came in on, as forwarded headers or Host tell it (Next.js
 * rewrites the request URL's own host to localhost).
 */
export function publicOriginOf(headers: Headers, env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.TAKES_PUBLIC_URL?.trim()
  if (configured) return configured.replace(/\/+$/, '')
  const first = (value: string | null) => value?.split(',')[0]?.trim() || null
  const host = first(headers.get('x-forwarded-host')) ?? headers.get('host') ?? 'localhost'
  const protocol = first(headers.get('x-forwarded-proto')) ?? 'http'
  return `${protocol}://${host}`
}

/** `path` (or an already absolute URL) as an absolute URL on `origin`. */
export function absoluteUrl(origin: string, path: string): string {
  return new URL(path, `${origin}/`).href
}
