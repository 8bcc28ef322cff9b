// The fal double's front door, for the fal-mode e2e run (test harness only):
// - a TLS server holding a certificate for every fal host (certificates.mjs) that forwards each
//   request to the double — a studio on the local backend acting as fal — at the path the host's
//   path maps to (hosts.mjs); the fal-mode studio reaches it through preload.mjs;
// - an HTTP proxy that answers CONNECT for fal hosts only, so Chromium reaches the same TLS server
//   (any other host it asks for is refused and counted);
// - GET /_front on the proxy port: what it forwarded, by host, and what it refused.
// fal's CDN is public: file requests get the double's key added (it plays fal, whose files need none).
//
// Environment: FRONT_PORT (proxy), FRONT_TLS_PORT, DOUBLE_URL, FAL_DOUBLE_KEY, FRONT_CERT_DIR.
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import { readFileSync } from 'node:fs'
import { makeCertificates } from './certificates.mjs'
import { CDN_ORIGIN, doublePathOf, isFalHost } from './hosts.mjs'

const proxyPort = Number(process.env.FRONT_PORT)
const tlsPort = Number(process.env.FRONT_TLS_PORT)
const double = new URL(process.env.DOUBLE_URL)
const key = process.env.FAL_DOUBLE_KEY
const certificates = makeCertificates(process.env.FRONT_CERT_DIR)

const CDN_CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, PUT, POST, OPTIONS',
  'access-control-allow-headers': '*',
  'access-control-expose-headers': 'etag, content-length, content-range, accept-ranges',
}

const counts = { forwarded: {}, refusedHosts: [], unmapped: [] }

const agent = new http.Agent({ keepAlive: true })
const tlsServer = https.createServer({ key: readFileSync(certificates.key), cert: readFileSync(certificates.cert) }, (request, response) => {
  const host = (request.headers.host ?? '').split(':')[0]
  const target = doublePathOf(host, request.url ?? '/')
  if (!target) {
    counts.unmapped.push(`${host}${request.url}`)
    response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: 'Not found' }))
    return
  }
  counts.forwarded[host] = (counts.forwarded[host] ?? 0) + 1
  const cdn = host.endsWith('fal.media') || host === 'storage.googleapis.com'
  // fal's CDN is public storage that any page may read from and upload to (with an upload URL).
  if (cdn && request.method === 'OPTIONS') {
    response.writeHead(204, CDN_CORS).end()
    return
  }
  const headers = { ...request.headers, host: double.host }
  delete headers.connection
  if (cdn) {
    // The double guards its files as a studio guards its own; the CDN it plays does not.
    for (const name of ['origin', 'referer', 'cookie', 'sec-fetch-site', 'sec-fetch-mode', 'sec-fetch-dest']) delete headers[name]
    if (key) headers.authorization = `Key ${key}`
  } else {
    // Files the double makes are addressed on fal's CDN host, as fal's are.
    headers['x-fal-takes-origin'] = CDN_ORIGIN
  }
  const upstream = http.request({ hostname: double.hostname, port: double.port, path: target, method: request.method, headers, agent }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, cdn ? { ...answer.headers, ...CDN_CORS } : answer.headers)
    answer.pipe(response)
  })
  upstream.on('error', () => {
    if (!response.headersSent) response.writeHead(502).end()
    else response.destroy()
  })
  request.pipe(upstream)
})
tlsServer.listen(tlsPort, '127.0.0.1')

const proxy = http.createServer((request, response) => {
  if (request.url === '/_front') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts))
    return
  }
  response.writeHead(404).end()
})
proxy.on('connect', (request, socket, head) => {
  const [host] = (request.url ?? '').split(':')
  if (!isFalHost(host)) {
    counts.refusedHosts.push(request.url)
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
    return
  }
  const inner = net.connect(tlsPort, '127.0.0.1', () => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    if (head.length) inner.write(head)
    socket.pipe(inner).pipe(socket)
  })
  const close = () => {
    socket.destroy()
    inner.destroy()
  }
  inner.on('error', close)
  socket.on('error', close)
})
proxy.listen(proxyPort, '127.0.0.1', () => console.log(`fal double front: proxy on ${proxyPort}, TLS on ${tlsPort}, forwarding to ${double.origin}`))
