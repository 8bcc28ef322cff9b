import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { isPublicAddress, safeDownload, safeFetchBytes, SafeFetchError, type ResolvedAddress, type Resolver, type SafeFetchOptions } from '@/lib/http/safe-fetch'

/** A loopback listener that counts every request it receives. */
interface Listener {
  port: number
  hits: string[]
  server: Server
}

const FILE = randomBytes(256 * 1024)
const SECRET = 'internal-secret-body'

function respond(request: IncomingMessage, response: ServerResponse, other: () => Listener) {
  const url = request.url ?? '/'
  const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '')
  if (url === '/file' && range) {
    const start = Number(range[1])
    const end = range[2] ? Math.min(Number(range[2]), FILE.length - 1) : FILE.length - 1
    response.writeHead(206, { 'content-type': 'video/mp4', 'content-range': `bytes ${start}-${end}/${FILE.length}`, 'content-length': end - start + 1 })
    response.end(FILE.subarray(start, end + 1))
  } else if (url === '/file' || url === '/no-ranges') {
    response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': FILE.length })
    response.end(FILE)
  } else if (url === '/big') {
    response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': 10 * 1024 * 1024 })
    response.write(FILE)
  } else if (url === '/endless') {
    response.writeHead(200, { 'content-type': 'video/mp4' })
    const timer = setInterval(() => response.write(FILE.subarray(0, 64 * 1024)), 1)
    response.on('close', () => clearInterval(timer))
  } else if (url === '/stall') {
    response.writeHead(200, { 'content-type': 'video/mp4' })
    response.write(FILE.subarray(0, 100))
  } else if (url === '/drip') {
    response.writeHead(200, { 'content-type': 'video/mp4' })
    const timer = setInterval(() => response.write(FILE.subarray(0, 10)), 20)
    response.on('close', () => clearInterval(timer))
  } else if (url === '/silent') {
    // Never answers.
  } else if (url === '/denied') {
    response.writeHead(403, 'Secret Internal Reason', { 'content-type': 'text/plain' })
    response.end(SECRET)
  } else if (url === '/to-file') {
    response.writeHead(302, { location: '/file' })
    response.end()
  } else if (url === '/to-private') {
    response.writeHead(302, { location: 'http://10.0.0.1/file' })
    response.end()
  } else if (url === '/to-metadata') {
    response.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' })
    response.end()
  } else if (url === '/to-other-loopback') {
    response.writeHead(301, { location: `http://127.0.0.1:${other().port}/file` })
    response.end()
  } else if (url === '/to-rebound-name') {
    response.writeHead(308, { location: `http://rebound.test:${other().port}/file` })
    response.end()
  } else if (url.startsWith('/loop')) {
    response.writeHead(302, { location: `/loop${url.length}` })
    response.end()
  } else {
    response.writeHead(404).end(SECRET)
  }
}

async function listen(other: () => Listener): Promise<Listener> {
  const hits: string[] = []
  const server = createServer((request, response) => {
    hits.push(request.url ?? '/')
    respond(request, response, other)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { port: (server.address() as AddressInfo).port, hits, server }
}

let served: Listener
/** Never meant to be reached: every test that names it expects no hit. */
let forbidden: Listener
let work: string

beforeAll(async () => {
  served = await listen(() => forbidden)
  forbidden = await listen(() => forbidden)
  work = await mkdtemp(path.join(os.tmpdir(), 'takes-safe-fetch-'))
})

afterAll(async () => {
  for (const { server } of [served, forbidden]) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
  await rm(work, { recursive: true, force: true })
})

beforeEach(() => {
  served.hits.length = 0
  forbidden.hits.length = 0
})

/** A resolver that answers from a table and counts its calls. */
function resolverOf(table: Record<string, string[] | (() => string[])>): Resolver & { calls: string[] } {
  const calls: string[] = []
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    calls.push(hostname)
    const entry = table[hostname]
    const addresses = typeof entry === 'function' ? entry() : entry
    if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' })
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))
  }
  return Object.assign(resolve, { calls })
}

function options(extra: Partial<SafeFetchOptions> = {}): SafeFetchOptions {
  return { field: 'video_url', what: 'video', maxBytes: 1024 * 1024, timeoutMs: 5000, idleTimeoutMs: 2000, env: {}, ...extra }
}

/** The allow-list entry that lets the tests reach `served` (and only it). */
function allowServed(): Record<string, string> {
  return { TAKES_FETCH_ALLOW_HOSTS: `127.0.0.1:${served.port}` }
}

async function failureOf(promise: Promise<unknown>): Promise<SafeFetchError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(SafeFetchError)
  return error as SafeFetchError
}

describe('addresses', () => {
  it('allows only public unicast addresses', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700::1111']) expect(isPublicAddress(address), address).toBe(true)
    const refused = [
      '127.0.0.1', '127.255.0.9', '0.0.0.0', '0.1.2.3', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.1', '100.64.0.1',
      '169.254.169.254', '224.0.0.1', '255.255.255.255', '240.0.0.1', '192.0.2.1', '198.18.0.1',
      '::', '::1', 'fe80::1', 'fe80::1%eth0', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1',
      '::127.0.0.1', '::7f00:1', '::a00:1', '::1:2', '5f00::1', '3fff::1', '2002:7f00:1::', '2001:0:4136:e378:8000:63bf:80ff:fffe', '64:ff9b::7f00:1', '64:ff9b::a00:1', '2001:db8::1', '100::1',
      'not an address',
    ]
    for (const address of refused) expect(isPublicAddress(address), address).toBe(false)
  })
})

describe('refusals before any connection', () => {
  it('refuses loopback, private, link-local, unique-local, unspecified and mapped addresses in every spelling', async () => {
    const port = forbidden.port
    const spellings = [
      `http://127.0.0.1:${port}/`,
      `http://2130706433:${port}/`,
      `http://0x7f000001:${port}/`,
      `http://0x7f.0.0.1:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://017700000001:${port}/`,
      `http://127.1:${port}/`,
      `http://127.0.1:${port}/`,
      `http://127.0.0.1.:${port}/`,
      `http://%31%32%37.0.0.1:${port}/`,
      `http://localhost:${port}/`,
      `http://LOCALHOST.:${port}/`,
      `http://studio.localhost:${port}/`,
      `http://[::1]:${port}/`,
      `http://[0:0:0:0:0:0:0:1]:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[::ffff:7f00:1]:${port}/`,
      `http://[::127.0.0.1]:${port}/`,
      `http://[::7f00:1]:${port}/`,
      `http://[2002:7f00:1::]:${port}/`,
      `http://[64:ff9b::7f00:1]:${port}/`,
      `http://0.0.0.0:${port}/`,
      `http://0:${port}/`,
      `http://[::]:${port}/`,
      'http://10.0.0.1/',
      'http://172.16.5.4/',
      'http://192.168.1.1/',
      'http://100.64.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/',
      'http://[fc00::1]/',
      'http://[fd00::1]/',
      'http://224.0.0.1/',
      'http://255.255.255.255/',
      'https://[::ffff:a9fe:a9fe]/',
    ]
    const resolve = resolverOf({})
    for (const url of spellings) {
      const error = await failureOf(safeFetchBytes(url, options({ resolve })))
      expect(error.failure, url).toBe('not_allowed')
      expect(error.message).toBe('could not read the video at video_url: its address is not allowed (only public addresses are read)')
    }
    expect(resolve.calls).toEqual([])
    expect(forbidden.hits).toEqual([])
  })

  it('refuses other schemes, user names and non-URLs', async () => {
    const resolve = resolverOf({})
    expect((await failureOf(safeFetchBytes('file:///etc/passwd', options({ resolve })))).message).toBe('could not read the video at video_url: only http(s) URLs are read')
    expect((await failureOf(safeFetchBytes('ftp://example.com/a.mp4', options({ resolve })))).failure).toBe('bad_url')
    expect((await failureOf(safeFetchBytes(`http://user:pw@example.com/a.mp4`, options({ resolve })))).message).toMatch(/user name or password/)
    expect((await failureOf(safeFetchBytes(`http://127.0.0.1:80@example.com/`, options({ resolve })))).failure).toBe('bad_url')
    expect((await failureOf(safeFetchBytes('not a url', options({ resolve })))).failure).toBe('bad_url')
    expect(resolve.calls).toEqual([])
  })

  it('refuses a name that resolves to a private address, checked in the connection’s own lookup', async () => {
    const port = forbidden.port
    const resolve = resolverOf({
      'internal.test': ['127.0.0.1'],
      'mixed.test': ['8.8.8.8', '127.0.0.1'],
      'mapped.test': ['::ffff:127.0.0.1'],
      'metadata.test': ['169.254.169.254'],
    })
    for (const host of ['internal.test', 'mixed.test', 'mapped.test', 'metadata.test']) {
      const error = await failureOf(safeFetchBytes(`http://${host}:${port}/file`, options({ resolve })))
      expect(error.failure, host).toBe('not_allowed')
    }
    expect(resolve.calls).toEqual(['internal.test', 'mixed.test', 'mapped.test', 'metadata.test'])
    expect(forbidden.hits).toEqual([])
  })

  it('a name that answers public first and loopback next (DNS rebinding) never reaches loopback: the one lookup is the connection’s', async () => {
    let answers = 0
    // The first answer is public but unreachable from a test; every later answer is loopback.
    const resolve = resolverOf({ 'rebind.test': () => (answers++ === 0 ? ['93.184.215.14'] : ['127.0.0.1']) })
    const url = `http://rebind.test:${forbidden.port}/file`
    const first = await failureOf(safeFetchBytes(url, options({ resolve, timeoutMs: 1500, idleTimeoutMs: 1500 })))
    expect(['unreachable', 'timeout']).toContain(first.failure)
    expect(resolve.calls).toEqual(['rebind.test'])
    const second = await failureOf(safeFetchBytes(url, options({ resolve })))
    expect(second.failure).toBe('not_allowed')
    expect(resolve.calls).toEqual(['rebind.test', 'rebind.test'])
    expect(forbidden.hits).toEqual([])
  })

  it('an unknown name is unreachable', async () => {
    const error = await failureOf(safeFetchBytes('http://nowhere.test/file', options({ resolve: resolverOf({}) })))
    expect(error).toMatchObject({ failure: 'unreachable', message: 'could not read the video at video_url: its host name does not resolve' })
  })
})

describe('TAKES_FETCH_ALLOW_HOSTS', () => {
  it('lets an operator name a host (and port) that resolves to a private address', async () => {
    const read = await safeFetchBytes(`http://127.0.0.1:${served.port}/file`, options({ env: allowServed() }))
    expect(read).toMatchObject({ status: 200, bytesRead: FILE.length, totalBytes: FILE.length, truncated: false, contentType: 'video/mp4' })
    expect(read.bytes.equals(FILE)).toBe(true)

    const byName = await safeFetchBytes(`http://studio.internal:${served.port}/file`, options({ env: { TAKES_FETCH_ALLOW_HOSTS: ` other.test , STUDIO.internal.` }, resolve: resolverOf({ 'studio.internal': ['127.0.0.1'] }) }))
    expect(byName.bytesRead).toBe(FILE.length)
    const byOption = await safeFetchBytes(`http://localhost:${served.port}/file`, options({ allowHosts: [`localhost:${served.port}`] }))
    expect(byOption.bytesRead).toBe(FILE.length)
    expect(served.hits).toEqual(['/file', '/file', '/file'])
  })

  it('allows only the port it names, and never another host', async () => {
    const env = { TAKES_FETCH_ALLOW_HOSTS: `127.0.0.1:${served.port}` }
    expect((await failureOf(safeFetchBytes(`http://127.0.0.1:${forbidden.port}/file`, options({ env })))).failure).toBe('not_allowed')
    expect((await failureOf(safeFetchBytes(`http://localhost:${served.port}/file`, options({ env })))).failure).toBe('not_allowed')
    expect((await failureOf(safeFetchBytes(`http://user@127.0.0.1:${served.port}/file`, options({ env })))).failure).toBe('bad_url')
    expect(forbidden.hits).toEqual([])
    expect(served.hits).toEqual([])
  })
})

describe('redirects', () => {
  it('follows a redirect to an allowed address', async () => {
    const read = await safeFetchBytes(`http://127.0.0.1:${served.port}/to-file`, options({ env: allowServed() }))
    expect(read.bytesRead).toBe(FILE.length)
    expect(served.hits).toEqual(['/to-file', '/file'])
  })

  it('refuses a redirect to a private address, a loopback port or a name that resolves to loopback, each hop checked', async () => {
    const resolve = resolverOf({ 'rebound.test': ['127.0.0.1'] })
    for (const hop of ['/to-private', '/to-metadata', '/to-other-loopback', '/to-rebound-name']) {
      const error = await failureOf(safeFetchBytes(`http://127.0.0.1:${served.port}${hop}`, options({ env: allowServed(), resolve })))
      expect(error.failure, hop).toBe('not_allowed')
    }
    expect(resolve.calls).toEqual(['rebound.test'])
    expect(forbidden.hits).toEqual([])
  })

  it('follows at most five', async () => {
    const error = await failureOf(safeFetchBytes(`http://127.0.0.1:${served.port}/loop`, options({ env: allowServed() })))
    expect(error).toMatchObject({ failure: 'redirect', message: 'could not read the video at video_url: it redirected more than 5 times' })
    expect(served.hits).toHaveLength(6)
  })
})

describe('limits', () => {
  it('refuses a declared length over the cap without reading it', async () => {
    const error = await failureOf(safeFetchBytes(`http://127.0.0.1:${served.port}/big`, options({ env: allowServed(), maxBytes: 1024 * 1024 })))
    expect(error).toMatchObject({ failure: 'too_large', message: 'could not read the video at video_url: it is larger than 1 MB' })
  })

  it('stops a body without a length at the cap', async () => {
    const error = await failureOf(safeFetchBytes(`http://127.0.0.1:${served.port}/endless`, options({ env: allowServed(), maxBytes: 512 * 1024 })))
    expect(error.failure).toBe('too_large')
  })

  it("keeps a file's head when asked to truncate, with or without a length", async () => {
    for (const where of ['/big', '/endless', '/file']) {
      const head = await safeFetchBytes(`http://127.0.0.1:${served.port}${where}`, options({ env: allowServed(), maxBytes: 100_000, overflow: 'truncate' }))
      expect(head, where).toMatchObject({ bytesRead: 100_000, truncated: true, offset: 0 })
      expect(head.bytes.length).toBe(100_000)
    }
    const whole = await safeFetchBytes(`http://127.0.0.1:${served.port}/file`, options({ env: allowServed(), maxBytes: FILE.length, overflow: 'truncate' }))
    expect(whole).toMatchObject({ bytesRead: FILE.length, truncated: false })
  })

  it('gives up on a server that stalls, one that never answers, and one too slow overall', async () => {
    const env = allowServed()
    const stalled = await failureOf(safeFetchBytes(`http://127.0.0.1:${served.port}/stall`, options({ env, idleTimeoutMs: 300 })))
    expect(stalled).toMatchObject({ failure: 'timeout', message: 'could not read the video at video_url: it stalled for 0.3 s' })
    const silent = await failureOf(safeFetchBytes(`http://127.0.0.1:${served.port}/silent`, options({ env, idleTimeoutMs: 300 })))
    expect(silent.message).toMatch(/stalled for 0\.3 s/)
    const slow = await failureOf(safeFetchBytes(`http://127.0.0.1:${served.port}/drip`, options({ env, timeoutMs: 400, idleTimeoutMs: 300 })))
    expect(slow.message).toBe('could not read the video at video_url: it took longer than 0.4 s')
  })

  it('stops when the caller aborts', async () => {
    const controller = new AbortController()
    const reading = safeFetchBytes(`http://127.0.0.1:${served.port}/silent`, options({ env: allowServed(), signal: controller.signal }))
    controller.abort()
    expect((await failureOf(reading)).message).toMatch(/cancelled/)
  })

  it("never echoes what the server answered: neither its body nor its reason phrase", async () => {
    for (const where of ['/denied', '/missing']) {
      const error = await failureOf(safeFetchBytes(`http://127.0.0.1:${served.port}${where}`, options({ env: allowServed() })))
      expect(error.failure).toBe('status')
      expect(error.message).toMatch(/^could not read the video at video_url: the server answered HTTP (403|404)$/)
      expect(error.message).not.toMatch(/secret/i)
    }
  })
})

describe('ranges and downloads', () => {
  it('reads a byte range with its place in the file', async () => {
    const read = await safeFetchBytes(`http://127.0.0.1:${served.port}/file`, options({ env: allowServed(), range: { start: 1000, end: 1999 } }))
    expect(read).toMatchObject({ status: 206, offset: 1000, bytesRead: 1000, totalBytes: FILE.length })
    expect(read.bytes.equals(FILE.subarray(1000, 2000))).toBe(true)
    const tail = await safeFetchBytes(`http://127.0.0.1:${served.port}/file`, options({ env: allowServed(), range: { start: FILE.length - 10 } }))
    expect(tail.bytes.equals(FILE.subarray(-10))).toBe(true)
    expect(served.hits).toEqual(['/file', '/file'])
  })

  it('reads the whole file from a server without ranges, never more than the cap', async () => {
    const read = await safeFetchBytes(`http://127.0.0.1:${served.port}/no-ranges`, options({ env: allowServed(), range: { start: 0, end: 999 }, maxBytes: 1000, overflow: 'truncate' }))
    expect(read).toMatchObject({ status: 200, offset: 0, bytesRead: 1000, totalBytes: FILE.length, truncated: true })
  })

  it('streams a download into a file', async () => {
    const file = path.join(work, 'download.bin')
    const result = await safeDownload(`http://127.0.0.1:${served.port}/file`, file, options({ env: allowServed() }))
    expect(result.bytesRead).toBe(FILE.length)
    expect((await readFile(file)).equals(FILE)).toBe(true)
    await expect(safeDownload(`http://127.0.0.1:${forbidden.port}/file`, file, options())).rejects.toThrow(/not allowed/)
    expect(forbidden.hits).toEqual([])
  })
})
