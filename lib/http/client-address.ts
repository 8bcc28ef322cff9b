import { settingsOf, type Env } from '@/lib/settings'

/** Set by scripts/serve.mjs from the connection itself, replacing anything a client sent. */
export const ADDRESS_HEADER = 'x-takes-client-address'

/**
 * The caller's address: the connection's, or — only when `TAKES_TRUST_PROXY=1` says a reverse proxy
 * in front sets it — the right-most `X-Forwarded-For` hop, the one that proxy appended. Hops to its
 * left are whatever the client sent, so they cannot be trusted (nor used as rate-limit keys).
 */
export function clientAddress(headers: Headers, env: Env = process.env): string {
  if (settingsOf(env).trustProxy) {
    const forwarded = headers.get('x-forwarded-for')?.split(',').at(-1)?.trim()
    if (forwarded) return forwarded
  }
  return headers.get(ADDRESS_HEADER) || 'unknown'
}
