import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { API_RESPONSE_HEADERS, builtRouteHandlers, serveRouteHandlers } from '@/lib/http/built-route.mjs'

// A build's route module as Next writes it (`routeModule.userland` holds the route file's exports).
const BUILT_ROUTE = `
let aborted = 0
let posted = 0
module.exports = { routeModule: { userland: {
  dynamic: 'force-dynamic',
  async GET(request) {
    const url = new URL(request.url)
    if (url.searchParams.has('throw')) throw new Error('secret detail')
    if (url.searchParams.has('aborted')) return Response.json({ aborted, posted })
    if (url.searchParams.has('big')) return Response.json({ big: 'x'.repeat(200_000) })
    if (url.searchParams.has('slow')) {
      request.signal.addEventListener('abort', () => { aborted++ })
      return new Response(new ReadableStream({ start() {} }), { headers: { 'content-type': 'text/event-stream' } })
    }
    return new Response(JSON.stringify({ target: request.headers.get('x-fal-target-url'), address: request.headers.get('x-address') }), {
      status: 202,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-fal-request-id': 'r1', 'x-frame-options': 'SAMEORIGIN', 'set-cookie': 'a=1' },
    })
  },
  async POST(request) {
    posted++
    return Response.json({ body: await request.text(), method: request.method })
  },
} } }
`

let dist: string
let server: Server
let base: string

beforeAll(async () => {
  dist = await mkdtemp(path.join(os.tmpdir(), 'takes-built-route-'))
  const dir = path.join(dist, 'server', 'app', 'api', 'thing')
  await mkdir(dir, { recursive: true })
  await writeFile(path.join(dir, 'route.js'), BUILT_ROUTE)
  const serve = serveRouteHandlers(builtRouteHandlers(dist, '/api/thing'))
  server = createServer((req, res) => void serve(req, res))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/thing`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  await rm(dist, { recursive: true, force: true })
})

describe('builtRouteHandlers', () => {
  it('reads the handlers a built route exports, and nothing else', () => {
    expect(Object.keys(builtRouteHandlers(dist, '/api/thing')).sort()).toEqual(['GET', 'POST'])
  })

  it('stops the server at start when the build has no such route or no handlers', async () => {
    expect(() => builtRouteHandlers(dist, '/api/none')).toThrow()
    const dir = path.join(dist, 'server', 'app', 'api', 'empty')
    await mkdir(dir, { recursive: true })
    await writeFile(path.join(dir, 'route.js'), 'module.exports = { handler() {} }')
    expect(() => builtRouteHandlers(dist, '/api/empty')).toThrow(/no route handlers/)
  })
})

describe('serveRouteHandlers', () => {
  it('passes the request on as the handler would get it from Next, and its answer back with the API headers over its own', async () => {
    const response = await fetch(`${base}?x=1`, { headers: { 'x-fal-target-url': 'https://queue.fal.run/a/b', 'x-address': '127.0.0.9' } })
    expect(response.status).toBe(202)
    expect(await response.json()).toEqual({ target: 'https://queue.fal.run/a/b', address: '127.0.0.9' })
    expect(response.headers.get('x-fal-request-id')).toBe('r1')
    expect(response.headers.get('set-cookie')).toBe('a=1')
    // The handler's body is sent as it is: a content-encoding it named no longer describes it.
    expect(response.headers.get('content-encoding')).toBeNull()
    for (const [name, value] of Object.entries(API_RESPONSE_HEADERS)) expect(response.headers.get(name), name).toBe(value)
  })

  it('streams a request body to the handler', async () => {
    const response = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 'é'.repeat(100_000) }) })
    const answer = (await response.json()) as { body: string; method: string }
    expect(answer.method).toBe('POST')
    expect(JSON.parse(answer.body)).toEqual({ a: 'é'.repeat(100_000) })
  })

  it('reads a small body whole, and sends a JSON answer whole, with its length', async () => {
    const response = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"content_type":"video/mp4"}' })
    expect(await response.json()).toEqual({ body: '{"content_type":"video/mp4"}', method: 'POST' })
    expect(response.headers.get('content-length')).toBe(String('{"body":"{\\"content_type\\":\\"video/mp4\\"}","method":"POST"}'.length))
    expect(response.headers.get('transfer-encoding')).toBeNull()
    // A JSON answer past 64 kB streams, whole.
    const big = await fetch(`${base}?big=1`)
    expect(big.headers.get('content-length')).toBeNull()
    expect(((await big.json()) as { big: string }).big).toHaveLength(200_000)
  })

  it('never calls the handler when the caller goes away before its body arrived', async () => {
    const count = async () => ((await (await fetch(`${base}?aborted=1`)).json()) as { posted: number }).posted
    const before = await count()
    const logged = vi.spyOn(console, 'error')
    const { hostname, port, pathname } = new URL(base)
    const socket = connect(Number(port), hostname)
    await new Promise<void>((resolve) => socket.once('connect', resolve))
    const received = new Promise((resolve) => server.once('request', resolve))
    socket.write(`POST ${pathname} HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"half":`)
    await received
    socket.destroy()
    // A later request is answered, and the handler never saw the half body.
    await fetch(base, { method: 'POST', body: '{}' })
    expect(await count()).toBe(before + 1)
    // The caller's abort is not the server's failure: nothing is logged.
    expect(logged).not.toHaveBeenCalled()
    logged.mockRestore()
  })

  it('answers a method the route does not export with 405 (OPTIONS: 204) and Allow', async () => {
    const deleted = await fetch(base, { method: 'DELETE' })
    expect(deleted.status).toBe(405)
    expect(deleted.headers.get('allow')).toBe('GET, POST, OPTIONS')
    expect(deleted.headers.get('x-content-type-options')).toBe('nosniff')
    const options = await fetch(base, { method: 'OPTIONS' })
    expect(options.status).toBe(204)
    expect(options.headers.get('allow')).toBe('GET, POST, OPTIONS')
  })

  it('answers a handler that throws with a 500 that says nothing of the error', async () => {
    const response = await fetch(`${base}?throw=1`)
    expect(response.status).toBe(500)
    const text = await response.text()
    expect(text).not.toContain('secret')
    expect(JSON.parse(text)).toEqual({ detail: expect.any(String) })
  })

  it('aborts the handler’s request when the caller goes away', async () => {
    const before = ((await (await fetch(`${base}?aborted=1`)).json()) as { aborted: number }).aborted
    const controller = new AbortController()
    const response = await fetch(`${base}?slow=1`, { signal: controller.signal })
    expect(response.status).toBe(200)
    controller.abort()
    await expect
      .poll(async () => ((await (await fetch(`${base}?aborted=1`)).json()) as { aborted: number }).aborted, { timeout: 30_000 })
      .toBe(before + 1)
  }, 60_000)
})
