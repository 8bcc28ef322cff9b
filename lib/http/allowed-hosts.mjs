// The names the studio answers to, and the refusal of any other (DNS rebinding: a page on
// evil.example whose name is made to resolve to 127.0.0.1 reaches this server, but its requests still
// say `Host: evil.example`). Plain JavaScript so that scripts/serve.mjs can use it before Next loads;
// its types are in allowed-hosts.d.mts.

/** Always answered to, on any port: this machine's own names. */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]']
/** Listening on every interface names no host. */
const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '[::]'])
/** `name` or `[IPv6]`, then an optional `:port`: what a Host header holds, and nothing else (no userinfo, path or spaces). */
const HOST_SYNTAX = /^(\[[0-9a-f:.]+\]|[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?)(?::(\d{1,5}))?$/i
const SETTING = 'TAKES_ALLOWED_HOSTS'

/**
 * A Host value split into its lower-cased name (trailing dot dropped, IPv6 kept in brackets) and port,
 * or null when it is not plain `host[:port]`.
 * @param {string} value
 * @returns {{ name: string, port: string | null } | null}
 */
export function parseHost(value) {
  const match = HOST_SYNTAX.exec(value.trim())
  if (!match?.[1]) return null
  return { name: match[1].toLowerCase().replace(/\.$/, ''), port: match[2] ?? null }
}

/**
 * The hosts the studio answers to, from the environment (scripts/serve.mjs reads it before the studio's
 * settings module can load; the studio itself calls allowedHostsOf with its settings).
 * Throws on an entry that is not a host, so a typo stops the server at start rather than locking it out.
 * @param {Readonly<Record<string, string | undefined>>} env
 * @returns {import('./allowed-hosts.d.mts').AllowedHosts}
 */
export function allowedHostsFrom(env) {
  const hosts = (env[SETTING] ?? '').split(',').map((part) => part.trim()).filter(Boolean)
  return allowedHostsOf({ publicUrl: env.TAKES_PUBLIC_URL?.trim() || undefined, hostname: env.HOSTNAME?.trim() || undefined, hosts })
}

/**
 * The hosts the studio answers to: the loopback names, the host of `TAKES_PUBLIC_URL`, the address it
 * listens on (`HOSTNAME`, unless every interface) and each entry of `TAKES_ALLOWED_HOSTS` (`name` or
 * `name:port`; a name without a port is allowed on any port).
 * @param {import('./allowed-hosts.d.mts').HostSettings} settings
 * @returns {import('./allowed-hosts.d.mts').AllowedHosts}
 */
export function allowedHostsOf({ publicUrl, hostname, hosts }) {
  /** @type {Set<string>} */
  const anyPort = new Set(LOOPBACK_HOSTS)
  /** @type {Set<string>} */
  const withPort = new Set()
  if (publicUrl) {
    let name
    try {
      name = new URL(publicUrl).hostname
    } catch {
      throw new Error(`TAKES_PUBLIC_URL is not a URL: ${JSON.stringify(publicUrl)}`)
    }
    anyPort.add(name.toLowerCase().replace(/\.$/, ''))
  }
  const listening = listeningHostName(hostname)
  if (listening) anyPort.add(listening)
  for (const entry of hosts) {
    const host = parseHost(entry)
    if (!host) throw new Error(`${SETTING}: ${JSON.stringify(entry)} is not a host name or address (write name or name:port, IPv6 as [::1])`)
    if (host.port) withPort.add(`${host.name}:${host.port}`)
    else anyPort.add(host.name)
  }
  return { anyPort, withPort }
}

/**
 * The name of the one address the server listens on (`HOSTNAME`), or null when it listens on every interface.
 * @param {string | undefined} hostname
 */
function listeningHostName(hostname) {
  if (!hostname || WILDCARD_ADDRESSES.has(hostname)) return null
  const bracketed = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname
  return parseHost(bracketed)?.name ?? null
}

/**
 * @param {string} value
 * @param {import('./allowed-hosts.d.mts').AllowedHosts} allowed
 */
function isAllowedHost(value, allowed) {
  const host = parseHost(value)
  if (!host) return false
  return allowed.anyPort.has(host.name) || (host.port !== null && allowed.withPort.has(`${host.name}:${host.port}`))
}

/**
 * Why a request must be refused before it is routed, or null when every name it gives for the studio
 * is one the studio answers to: `Host`, each `X-Forwarded-Host` (Next and the studio's links read it
 * first, so it must not be a way around the check) and the authority of an absolute-form target.
 * @param {import('./allowed-hosts.d.mts').HostFacts} request
 * @param {import('./allowed-hosts.d.mts').AllowedHosts} allowed
 * @returns {import('./allowed-hosts.d.mts').HostRefusal | null}
 */
export function hostRefusal(request, allowed) {
  const named = []
  if (!request.host) return refusal('This request names no host (Host header).')
  named.push(request.host)
  for (const header of [request.forwardedHost].flat()) {
    if (header !== undefined) named.push(...header.split(','))
  }
  const target = request.target ?? '/'
  if (!target.startsWith('/')) {
    let authority
    try {
      authority = new URL(target).host
    } catch {
      return refusal('This request target is not a path.')
    }
    named.push(authority)
  }
  const unknown = named.find((value) => !isAllowedHost(value, allowed))
  if (unknown === undefined) return null
  const host = parseHost(unknown)
  const which = host ? `the host ${host.port ? `${host.name}:${host.port}` : host.name}` : 'this host'
  return refusal(
    `This studio does not answer to ${which}. If it should, add it to ${SETTING} (a comma-separated list of names) or set TAKES_PUBLIC_URL to the studio's address.`,
  )
}

/**
 * @param {string} message
 * @returns {import('./allowed-hosts.d.mts').HostRefusal}
 */
function refusal(message) {
  return { status: 421, message }
}
