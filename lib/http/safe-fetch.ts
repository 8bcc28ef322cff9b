import 'server-only'
import { promises as dns } from 'node:dns'
import { open } from 'node:fs/promises'
import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import ipaddr from 'ipaddr.js'
import { settingsOf, type Env } from '@/lib/settings'

/**
 * The one way the server fetches a URL that came from a request (a media input, an output to copy).
 * It reads http(s) only, connects only to public unicast addresses — checked on the address it
 * actually connects to, inside the connection's own DNS lookup, so a name cannot answer "public"
 * to a check and "loopback" to the connection — follows redirects itself (each hop checked again),
 * and caps bytes and time. Failures say which field could not be read and why in the studio's own
 * words, never what the remote server answered.
 */

export interface ResolvedAddress {
  address: string
  family: 4 | 6
}

/** Resolves a host name to its addresses (the system resolver unless a test injects one). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>

/** `not_media`: read, but not a file the studio can take facts from (remote-media-facts). */
export type SafeFetchFailure = 'bad_url' | 'not_allowed' | 'unreachable' | 'status' | 'too_large' | 'timeout' | 'redirect' | 'not_media'

/** Why a URL could not be read, naming the request field it came from. */
export class SafeFetchError extends Error {
  constructor(
    readonly field: string,
    readonly failure: SafeFetchFailure,
    message: string,
  ) {
    super(message)
    this.name = 'SafeFetchError'
  }
}

export interface SafeFetchOptions {
  /** The request field the URL came from, named in errors ("could not read the video at video_url"). */
  field: string
  /** What the URL should hold, for errors: "video", "image", "output video"… */
  what?: string
  /** The most bytes read from the body. */
  maxBytes: number
  /** More bytes than `maxBytes`: 'fail' (the default), or 'truncate' to keep the first `maxBytes` (a file's head). */
  overflow?: 'fail' | 'truncate'
  /** Asks for these bytes only (inclusive `end`); a server without ranges answers the whole file (status 200). */
  range?: { start: number; end?: number }
  /** The whole fetch, redirects and body included. */
  timeoutMs?: number
  /** The longest wait for the next bytes. */
  idleTimeoutMs?: number
  signal?: AbortSignal
  /** Reads `TAKES_FETCH_ALLOW_HOSTS`; none are allowed without it. */
  env?: Env
  /** Hosts (`host` or `host:port`) the studio's own configuration names, allowed like those of TAKES_FETCH_ALLOW_HOSTS. */
  allowHosts?: readonly string[]
  resolve?: Resolver
  /** Extra request headers (a configured backend's key), sent to the first URL's origin only, never past a redirect elsewhere. */
  headers?: Readonly<Record<string, string>>
}

export interface SafeFetchResult {
  status: 200 | 206
  contentType?: string
  /** The whole file's size when the server said (a range's total, or a full answer's length). */
  totalBytes?: number
  /** Where the bytes read start in the file: the range's start for a 206, else 0. */
  offset: number
  bytesRead: number
  /** The body went on past `maxBytes` and was cut there ('truncate' only). */
  truncated: boolean
}

export const MAX_REDIRECTS = 5
const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_IDLE_TIMEOUT_MS = 15_000
const REDIRECTS = new Set([301, 302, 303, 307, 308])
const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/

/** Where every public IPv6 address is allocated; ipaddr.js calls some others (IPv4-compatible ::/96) unicast. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3')

/** Whether the studio may connect to `address`: public unicast only (no loopback, private, link-local, mapped…). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false
  const parsed = ipaddr.parse(address)
  if (parsed.range() !== 'unicast') return false
  return parsed.kind() === 'ipv4' || ipaddr.IPv6.parse(address).match(GLOBAL_UNICAST_V6)
}

/** A host as compared: lower case, without trailing dots; IPv6 in brackets, as URL writes it. */
function normalHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.+$/, '')
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80')
}

/** `host` and `host:port` entries (IPv6 in brackets), normalised like URL hosts. */
function parseAllowList(entries: readonly string[]): Set<string> {
  const allowed = new Set<string>()
  for (const raw of entries) {
    const entry = raw.trim()
    if (!entry) continue
    const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(entry)
    const host = match?.[1] ?? `[${entry}]`
    try {
      const name = normalHost(new URL(`http://${host}`).hostname)
      allowed.add(match?.[2] ? `${name}:${match[2]}` : name)
    } catch {
      // Not a host: allows nothing.
    }
  }
  return allowed
}

function isAllowListed(url: URL, allowed: Set<string>): boolean {
  const host = normalHost(url.hostname)
  return allowed.has(host) || allowed.has(`${host}:${defaultPort(url)}`)
}

/** The host as a connection takes it: IPv6 without brackets. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1')
}

const NOT_PUBLIC = 'its address is not allowed (only public addresses are read)'

/** Why the studio will not connect to `url` (decided before any lookup), or undefined. */
function refusalOf(url: URL, allowListed: boolean): { failure: SafeFetchFailure; reason: string } | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { failure: 'bad_url', reason: 'only http(s) URLs are read' }
  if (url.username || url.password) return { failure: 'bad_url', reason: 'URLs with a user name or password are refused' }
  if (allowListed) return undefined
  const host = normalHost(url.hostname)
  const literal = bareHost(url)
  if (host === '' || host === 'localhost' || host.endsWith('.localhost') || (isIP(literal) && !isPublicAddress(literal))) {
    return { failure: 'not_allowed', reason: NOT_PUBLIC }
  }
  return undefined
}

class AddressRefused extends Error {}

const systemResolver: Resolver = async (hostname) =>
  (await dns.lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }))

/**
 * The connection's own lookup: the addresses it is given are the ones it connects to, so checking
 * them here leaves no window for a second, different answer.
 */
function guardedLookup(resolve: Resolver, checked: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname)
      .then((addresses) => {
        if (checked && addresses.some(({ address }) => !isPublicAddress(address))) throw new AddressRefused(hostname)
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family
        const usable = family === 4 || family === 6 ? addresses.filter((entry) => entry.family === family) : addresses
        const first = usable[0]
        if (!first) throw Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' })
        if (options.all) callback(null, usable)
        else callback(null, first.address, first.family)
      })
      .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), ''))
  }
}

function requestOnce(url: URL, headers: Record<string, string>, lookup: LookupFunction, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http
    const request = client.request({
      protocol: url.protocol,
      hostname: bareHost(url),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers,
      lookup,
      // A connection of its own: never a pooled socket opened for another host or check.
      agent: false,
      signal,
    })
    request.once('response', resolve)
    request.once('error', reject)
    request.end()
  })
}

function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function seconds(ms: number): string {
  return `${ms < 1000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)} s`
}

function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${bytes} bytes`
}

/** Fetches `rawUrl` under every guard, handing the body's chunks to `sink` in order. */
async function guardedFetch(rawUrl: string, options: SafeFetchOptions, sink: (chunk: Buffer) => void | Promise<void>): Promise<SafeFetchResult> {
  const { field, maxBytes, range } = options
  const what = options.what ?? 'file'
  const fail = (failure: SafeFetchFailure, reason: string) => new SafeFetchError(field, failure, `could not read the ${what} at ${field}: ${reason}`)
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
  const allowed = parseAllowList([...(options.env ? settingsOf(options.env).fetchAllowHosts : []), ...(options.allowHosts ?? [])])
  const resolve = options.resolve ?? systemResolver

  let url: URL
  try {
    url = new URL(rawUrl)
  } catch {
    throw fail('bad_url', 'it is not a URL')
  }

  const controller = new AbortController()
  const stop = (error: SafeFetchError) => controller.abort(error)
  const deadline = setTimeout(() => stop(fail('timeout', `it took longer than ${seconds(timeoutMs)}`)), timeoutMs)
  let idle: NodeJS.Timeout | undefined
  const stillAlive = () => {
    clearTimeout(idle)
    idle = setTimeout(() => stop(fail('timeout', `it stalled for ${seconds(idleTimeoutMs)}`)), idleTimeoutMs)
  }
  const onOuterAbort = () => stop(fail('timeout', 'the read was cancelled'))
  if (options.signal?.aborted) onOuterAbort()
  options.signal?.addEventListener('abort', onOuterAbort, { once: true })

  const baseHeaders: Record<string, string> = { 'user-agent': 'Takes', 'accept-encoding': 'identity' }
  if (range) baseHeaders.range = `bytes=${range.start}-${range.end ?? ''}`
  const firstOrigin = url.origin

  let response: IncomingMessage | undefined
  try {
    stillAlive()
    for (let hop = 0; ; hop++) {
      const allowListed = isAllowListed(url, allowed)
      const refusal = refusalOf(url, allowListed)
      if (refusal) throw fail(refusal.failure, refusal.reason)
      const headers = url.origin === firstOrigin ? { ...options.headers, ...baseHeaders } : baseHeaders
      response = await requestOnce(url, headers, guardedLookup(resolve, !allowListed), controller.signal)
      stillAlive()
      const status = response.statusCode ?? 0
      if (!REDIRECTS.has(status)) break
      response.destroy()
      const location = header(response, 'location')
      if (!location) throw fail('redirect', 'it redirected nowhere')
      if (hop >= MAX_REDIRECTS) throw fail('redirect', `it redirected more than ${MAX_REDIRECTS} times`)
      try {
        url = new URL(location, url)
      } catch {
        throw fail('redirect', 'it redirected to something that is not a URL')
      }
    }

    const status = response.statusCode ?? 0
    if (status !== 200 && !(status === 206 && range)) {
      response.destroy()
      throw fail('status', `the server answered HTTP ${status}`)
    }
    const declared = Number(header(response, 'content-length') ?? NaN)
    const truncate = options.overflow === 'truncate'
    if (!truncate && declared > maxBytes) {
      response.destroy()
      throw fail('too_large', `it is larger than ${megabytes(maxBytes)}`)
    }
    let offset = 0
    let totalBytes: number | undefined = status === 200 && Number.isSafeInteger(declared) ? declared : undefined
    if (status === 206) {
      const match = CONTENT_RANGE.exec(header(response, 'content-range') ?? '')
      if (!match) {
        response.destroy()
        throw fail('status', 'the server answered a range it did not describe')
      }
      offset = Number(match[1])
      totalBytes = match[3] === '*' ? undefined : Number(match[3])
    }

    let bytesRead = 0
    let truncated = false
    for await (const chunk of response as AsyncIterable<Buffer>) {
      stillAlive()
      const room = maxBytes - bytesRead
      if (chunk.byteLength > room) {
        if (!truncate) throw fail('too_large', `it is larger than ${megabytes(maxBytes)}`)
        if (room > 0) await sink(chunk.subarray(0, room))
        bytesRead = maxBytes
        truncated = true
        break
      }
      bytesRead += chunk.byteLength
      await sink(chunk)
    }
    return { status, contentType: header(response, 'content-type'), totalBytes, offset, bytesRead, truncated }
  } catch (error) {
    const reason: unknown = controller.signal.reason
    if (controller.signal.aborted && reason instanceof SafeFetchError) throw reason
    if (error instanceof SafeFetchError) throw error
    if (error instanceof AddressRefused) throw fail('not_allowed', NOT_PUBLIC)
    const code = error instanceof Error && 'code' in error ? String(error.code) : ''
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') throw fail('unreachable', 'its host name does not resolve')
    throw fail('unreachable', 'the server could not be reached or dropped the connection')
  } finally {
    response?.destroy()
    clearTimeout(deadline)
    clearTimeout(idle)
    options.signal?.removeEventListener('abort', onOuterAbort)
  }
}

/** The body (or the asked range of it) in memory: for small reads only, as `maxBytes` bounds it. */
export async function safeFetchBytes(url: string, options: SafeFetchOptions): Promise<SafeFetchResult & { bytes: Buffer }> {
  const chunks: Buffer[] = []
  const result = await guardedFetch(url, options, (chunk) => {
    chunks.push(chunk)
  })
  return { ...result, bytes: Buffer.concat(chunks) }
}

/** Streams the body into `file` (created, or emptied first). */
export async function safeDownload(url: string, file: string, options: SafeFetchOptions): Promise<SafeFetchResult> {
  const handle = await open(file, 'w')
  try {
    return await guardedFetch(url, options, async (chunk) => {
      await handle.write(chunk)
    })
  } finally {
    await handle.close()
  }
}
