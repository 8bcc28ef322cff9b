// Sends every TLS connection this process opens to one of fal's hosts to the fal double's front
// instead, still verified against the host's name. Whatever a process uses — fetch,
// @fal-ai/client, @fal-ai/server-proxy, node:https — opens its TLS connections with tls.connect.
// Test harness only (preload.mjs for the studio; the e2e fixture for the test process itself).
import tls from 'node:tls'
import { isFalHost } from './hosts.mjs'

let frontPort = 0
let trusted

/** Routes fal's hosts to the front's TLS port; `ca` (PEM) is trusted for them, when the process was not given it otherwise. */
export function routeFalHosts({ port, ca }) {
  const first = frontPort === 0
  frontPort = port
  trusted = ca
  if (!first) return
  const connect = tls.connect
  tls.connect = function connectToFront(...args) {
    const [options] = args
    if (options && typeof options === 'object' && !options.socket && isFalHost(options.host ?? options.servername)) {
      const servername = options.servername || options.host
      // An address needs no lookup: the studio's own (the SSRF guard's) would refuse loopback, rightly.
      const { lookup: _lookup, ...rest } = options
      args[0] = { ...rest, host: '127.0.0.1', port: frontPort, servername, ...(trusted ? { ca: trusted } : {}) }
    }
    return connect.apply(this, args)
  }
}
