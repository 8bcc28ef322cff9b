import { settingsOf, type Env } from '@/lib/settings'

/**
 * The studio's public origin: TAKES_PUBLIC_URL when set (e.g. behind a proxy that rewrites the
 * host), else the origin the request came in on, as forwarded headers or Host tell it (Next.js
 * rewrites the request URL's own host to localhost).
 */
export function publicOriginOf(headers: Headers, env: Env = process.env): string {
  const configured = settingsOf(env).publicUrl
  if (configured) return configured
  const first = (value: string | null) => value?.split(',')[0]?.trim() || null
  const host = first(headers.get('x-forwarded-host')) ?? headers.get('host') ?? 'localhost'
  const protocol = first(headers.get('x-forwarded-proto')) ?? 'http'
  return `${protocol}://${host}`
}

export { absoluteUrl } from './absolute-url'
