// One built app route served straight from the production server's own request handler, without
// Next's router, header rules, compression and tracing in front of it. The fal proxy is the one route
// served this way: every forwarded call pays its cost twice over (its own request and its forward),
// and Next's routing alone cost more than the proxy's whole target (bench:proxy). The handlers are
// the very module Next loaded (Node's require cache holds one instance), so `next dev` and the
// production server run the same code. Plain JavaScript, for scripts/serve.mjs; types in
// built-route.d.mts.
import { createRequire } from 'node:module'
import path from 'node:path'
import { pipeline, Readable } from 'node:stream'

/** What every answer carries (an API answer is never a page: it may run, embed and leak nothing). */
export const API_RESPONSE_HEADERS = Object.freeze({
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
})

/** Headers of a handler's answer that describe its hop, not its content: Node sets its own. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'upgrade'])
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']

/**
 * The handlers (`GET`, `POST`, …) a built app route exports, read from the build in `distDir`.
 * Throws when the build has no such route, or Next's build no longer has the shape read here, so a
 * Next upgrade that changes it stops the server at start rather than serving the route some other way.
 * @param {string} distDir
 * @param {string} route e.g. `/api/fal/proxy`
 * @returns {Record<string, (request: Request) => Promise<Response>>}
 */
export function builtRouteHandlers(distDir, route) {
  const file = path.resolve(distDir, 'server', 'app', ...route.split('/').filter(Boolean), 'route.js')
  const built = createRequire(import.meta.url)(file)
  const userland = built?.routeModule?.userland
  const handlers = Object.fromEntries(METHODS.filter((method) => typeof userland?.[method] === 'function').map((method) => [method, userland[method]]))
  if (Object.keys(handlers).length === 0) throw new Error(`${file} exports no route handlers (routeModule.userland): has Next's build changed?`)
  return handlers
}

/**
 * A body this small (by its declared length) is read before the handler runs, as bytes; a larger one
 * streams. Small, because it is read before the handler's own checks (an upload handshake is ~60 bytes).
 */
const SMALL_BODY_BYTES = 16 * 1024
const JSON_TYPE = /^application\/json\s*(;|$)/i
/** A JSON answer up to this size is sent whole, with its length, in one write (fal's are a few hundred bytes); a larger one streams. */
const WHOLE_ANSWER_BYTES = 64 * 1024

/** The request's body, read whole: null when the caller went away (or failed) before it all arrived. */
function readSmallBody(req, declared) {
  return new Promise((resolve) => {
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      if (size > declared) req.destroy()
      else chunks.push(chunk)
    })
    req.once('end', () => resolve(Buffer.concat(chunks, size)))
    req.once('close', () => resolve(null))
    // An aborted request is the caller's doing, not the server's: it is not logged as a failure.
    req.once('error', () => resolve(null))
  })
}

/**
 * A Node request as the web Request a route handler takes; aborted when the caller goes away. A small
 * body with a declared length (an upload handshake, a cancel) is read first, which spares the web
 * stream a large one needs. Null when the caller went away before its body arrived.
 */
async function webRequest(req, res) {
  const controller = new AbortController()
  res.once('close', () => {
    if (!res.writableFinished) controller.abort()
  })
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value)
  }
  const method = req.method ?? 'GET'
  const hasBody = method !== 'GET' && method !== 'HEAD'
  const declared = Number(req.headers['content-length'] ?? NaN)
  const small = hasBody && Number.isInteger(declared) && declared >= 0 && declared <= SMALL_BODY_BYTES && req.headers['transfer-encoding'] === undefined
  const body = small ? await readSmallBody(req, declared) : hasBody ? Readable.toWeb(req) : undefined
  if (body === null) return null
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
    method,
    headers,
    body: body ?? undefined,
    duplex: 'half',
    signal: controller.signal,
  })
}

/** Sends a web Response on a Node response, with the API headers over its own: JSON whole, anything else streamed. */
async function send(res, response, method) {
  const headers = {}
  response.headers.forEach((value, name) => {
    if (!HOP_HEADERS.has(name)) headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  Object.assign(headers, API_RESPONSE_HEADERS)
  if (!response.body || method === 'HEAD') {
    void response.body?.cancel()
    res.writeHead(response.status, headers)
    return res.end()
  }
  if (JSON_TYPE.test(response.headers.get('content-type') ?? '')) return sendJson(res, response, headers)
  res.writeHead(response.status, headers)
  // An event stream's head goes at once (its first event may be a while); any other goes with its body.
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) res.flushHeaders()
  // pipeline ends the answer when the body ends, and cancels the body when the caller goes away.
  pipeline(Readable.fromWeb(response.body), res, () => {})
}

/** A JSON answer: whole, with its length, when it ends within WHOLE_ANSWER_BYTES; streamed past that. */
async function sendJson(res, response, headers) {
  const reader = response.body.getReader()
  // The caller going away stops the read, as pipeline does for a streamed answer.
  const stop = () => void reader.cancel().catch(() => {})
  res.once('close', stop)
  const chunks = []
  let size = 0
  while (size <= WHOLE_ANSWER_BYTES) {
    const { done, value } = await reader.read()
    if (res.destroyed) return
    if (done) {
      const body = Buffer.concat(chunks, size)
      res.writeHead(response.status, { ...headers, 'content-length': body.length })
      return res.end(body)
    }
    chunks.push(value)
    size += value.byteLength
  }
  res.writeHead(response.status, headers)
  async function* rest() {
    try {
      yield* chunks
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return
        yield value
      }
    } finally {
      stop()
    }
  }
  pipeline(Readable.from(rest()), res, () => {})
}

/**
 * A Node request listener that answers with the route's handlers: a method it does not export gets
 * 405 (OPTIONS: 204) with `Allow`; a handler that throws gets a 500 with nothing of the error in it.
 * @param {Record<string, (request: Request) => Promise<Response>>} handlers
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>}
 */
export function serveRouteHandlers(handlers) {
  const allow = [...Object.keys(handlers), 'OPTIONS'].join(', ')
  return async function serveRoute(req, res) {
    const method = (req.method ?? 'GET').toUpperCase()
    const handler = handlers[method]
    if (!handler) {
      res.writeHead(method === 'OPTIONS' ? 204 : 405, { allow, ...API_RESPONSE_HEADERS })
      return res.end()
    }
    try {
      const request = await webRequest(req, res)
      if (request) await send(res, await handler(request), method)
    } catch (error) {
      console.error(`${method} ${req.url}:`, error)
      if (res.headersSent) return res.destroy()
      res.writeHead(500, { 'content-type': 'application/json', ...API_RESPONSE_HEADERS })
      return res.end(JSON.stringify({ detail: 'The studio failed to answer this request.' }))
    }
  }
}
