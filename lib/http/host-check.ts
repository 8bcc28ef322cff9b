import { settingsOf } from '@/lib/settings'
import { allowedHostsOf, hostRefusal, type AllowedHosts } from './allowed-hosts.mjs'

let allowed: AllowedHosts | undefined

/**
 * The refusal of a request for a host the studio does not answer to (lib/http/allowed-hosts), or null.
 * scripts/serve.mjs refuses these before routing; this is the same rule for `next dev` and `next start`,
 * for the routes proxy.ts sees.
 */
export function unknownHostRefusal(headers: Headers): Response | null {
  if (!allowed) {
    const { publicUrl, hostname, allowedHosts } = settingsOf()
    allowed = allowedHostsOf({ publicUrl, hostname, hosts: allowedHosts })
  }
  const refusal = hostRefusal({ host: headers.get('host') ?? undefined, forwardedHost: headers.get('x-forwarded-host') ?? undefined }, allowed)
  if (!refusal) return null
  return new Response(`${refusal.message}\n`, {
    status: refusal.status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
  })
}
