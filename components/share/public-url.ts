import 'server-only'
import { headers } from 'next/headers'

/**
 * The studio's public origin: TAKES_PUBLIC_URL when set (behind a proxy that rewrites the host),
 * else the origin this request came in on. The same rule the fal proxy uses for the local backend.
 */
export async function publicOrigin(): Promise<string> {
  const configured = process.env.TAKES_PUBLIC_URL?.trim()
  if (configured) return configured.replace(/\/+$/, '')
  const list = await headers()
  const first = (value: string | null) => value?.split(',')[0]?.trim() || null
  const host = first(list.get('x-forwarded-host')) ?? list.get('host') ?? 'localhost'
  const protocol = first(list.get('x-forwarded-proto')) ?? 'http'
  return `${protocol}://${host}`
}

/** `path` (or an already absolute URL) as an absolute URL on the studio's public origin. */
export function absoluteUrl(origin: string, path: string): string {
  return new URL(path, `${origin}/`).href
}
