/** The hosts the studio answers to (see allowedHostsFrom). */
export interface AllowedHosts {
  /** Names answered on any port (lower case, IPv6 in brackets). */
  readonly anyPort: ReadonlySet<string>
  /** `name:port` pairs answered on that port only. */
  readonly withPort: ReadonlySet<string>
}

/** What a request says about the host it is for. */
export interface HostFacts {
  host: string | undefined
  forwardedHost?: string | readonly string[] | undefined
  /** The request target as received (origin-form `/path`, or absolute-form `http://host/path`). */
  target?: string | undefined
}

/** The settings that name the studio's hosts. */
export interface HostSettings {
  /** TAKES_PUBLIC_URL */
  publicUrl: string | undefined
  /** HOSTNAME: the address the server listens on */
  hostname: string | undefined
  /** TAKES_ALLOWED_HOSTS: `name` or `name:port` each */
  hosts: readonly string[]
}

export interface HostRefusal {
  status: 421
  /** Plain text for the caller, naming the setting that would admit the host. */
  message: string
}

export function parseHost(value: string): { name: string; port: string | null } | null
export function allowedHostsFrom(env: Readonly<Record<string, string | undefined>>): AllowedHosts
export function allowedHostsOf(settings: HostSettings): AllowedHosts
export function hostRefusal(request: HostFacts, allowed: AllowedHosts): HostRefusal | null
