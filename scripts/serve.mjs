// The production server: Next's request handler, except that build assets are sent Brotli-compressed
// (from the `.br` copies scripts/precompress-assets.mjs writes) to browsers that accept it, and that
// the fal proxy's built handlers answer without Next's router in front (lib/http/built-route.mjs).
import { createReadStream } from 'node:fs'
import { pipeline } from 'node:stream'
import { stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import path from 'node:path'
import { allowedHostsFrom, hostRefusal } from '../lib/http/allowed-hosts.mjs'
import { builtRouteHandlers, serveRouteHandlers } from '../lib/http/built-route.mjs'

// Next's renderer must run in production mode; `next start` sets this itself.
process.env.NODE_ENV ??= 'production'
const { default: next } = await import('next')

const port = Number(process.env.PORT ?? 3000)
// Without a password the studio (and the fal key behind it) is open to whoever reaches it: it then
// listens on this machine only, unless HOSTNAME says otherwise.
const open = Boolean(process.env.TAKES_PASSWORD)
const hostname = process.env.HOSTNAME ?? (open ? undefined : '127.0.0.1')
/** Carries the caller's address to the routes (rate limits); any such header a client sent is replaced. */
const ADDRESS_HEADER = 'x-takes-client-address'
const distDir = process.env.TAKES_DIST_DIR ?? '.next'
const staticDir = path.resolve(distDir, 'static')
const STATIC_PREFIX = '/_next/static/'
const TYPES = { '.js': 'application/javascript; charset=UTF-8', '.css': 'text/css; charset=UTF-8' }

// Read at start, so a bad TAKES_ALLOWED_HOSTS stops the server before it listens.
const allowedHosts = allowedHostsFrom({ ...process.env, HOSTNAME: hostname })
const app = next({ dev: false, hostname, port })
const handle = app.getRequestHandler()

/** Whether an Accept-Encoding header lists `br` with a non-zero weight. */
function acceptsBrotli(header) {
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().split(';')
    const weight = params.map((param) => param.trim()).find((param) => param.startsWith('q='))
    return coding?.trim() === 'br' && (weight === undefined || Number(weight.slice(2)) > 0)
  })
}

/** The `.br` copy of a build asset, when the request may have it; null otherwise. */
async function brotliCopy(req) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return null
  if (!acceptsBrotli(String(req.headers['accept-encoding'] ?? ''))) return null
  const pathname = (req.url ?? '').split('?')[0] ?? ''
  if (!pathname.startsWith(STATIC_PREFIX)) return null
  const type = TYPES[path.extname(pathname)]
  let relative
  try {
    relative = decodeURIComponent(pathname.slice(STATIC_PREFIX.length))
  } catch {
    return null
  }
  const file = path.resolve(staticDir, relative)
  if (!type || !file.startsWith(staticDir + path.sep)) return null
  const info = await stat(`${file}.br`).catch(() => null)
  return info?.isFile() ? { file: `${file}.br`, size: info.size, type } : null
}

await app.prepare()
const FAL_PROXY_ROUTE = '/api/fal/proxy'
const serveFalProxy = serveRouteHandlers(builtRouteHandlers(distDir, FAL_PROXY_ROUTE))
const server = createServer(async (req, res) => {
  // Before anything is routed (build assets, the fal proxy, the simulator and the webhook included):
  // a page on another name that resolves to this machine (DNS rebinding) gets nothing.
  const refusal = hostRefusal({ host: req.headers.host, forwardedHost: req.headers['x-forwarded-host'], target: req.url }, allowedHosts)
  if (refusal) {
    res.writeHead(refusal.status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-security-policy': "default-src 'none'",
      'x-content-type-options': 'nosniff',
      connection: 'close',
    })
    return res.end(`${refusal.message}\n`)
  }
  req.headers[ADDRESS_HEADER] = req.socket.remoteAddress ?? ''
  if ((req.url ?? '').split('?')[0] === FAL_PROXY_ROUTE) return serveFalProxy(req, res)
  const copy = await brotliCopy(req)
  if (!copy) return handle(req, res)
  res.writeHead(200, {
    'content-type': copy.type,
    'content-encoding': 'br',
    'content-length': copy.size,
    'cache-control': 'public, max-age=31536000, immutable',
    vary: 'Accept-Encoding',
  })
  if (req.method === 'HEAD') return res.end()
  // pipeline closes the file when the client goes away, and ends the response if the file vanished.
  pipeline(createReadStream(copy.file), res, () => {})
})
// Node closes an idle kept-alive connection after 5 s; a client reusing it at that moment (long polls
// leave connections idle that long) gets ECONNRESET. Idle connections live longer than clients keep them.
server.keepAliveTimeout = 65_000
server.headersTimeout = 66_000
server.listen(port, hostname, () => {
  console.log(`Takes is listening on http://${hostname ?? 'localhost'}:${port}`)
  if (!open) {
    console.log(
      hostname === '127.0.0.1'
        ? 'No TAKES_PASSWORD: listening on this machine only. Set TAKES_PASSWORD (and HOSTNAME=0.0.0.0) to open the studio to a network.'
        : `No TAKES_PASSWORD, yet listening on ${hostname}: anyone who reaches it can spend with the studio's fal key.`,
    )
  }
})
