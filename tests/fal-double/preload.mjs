// Loaded into the fal-mode studio (node --import) by the test harness only: every TLS connection to
// one of fal's hosts goes to the fal double's front (front.mjs) instead, still verified against the
// host's name (the test CA comes in through NODE_EXTRA_CA_CERTS). Whatever the studio uses — fetch,
// @fal-ai/client, @fal-ai/server-proxy, node:https — opens its TLS connections with tls.connect.
import tls from 'node:tls'
import { isFalHost } from './hosts.mjs'

const frontPort = Number(process.env.TAKES_TEST_FAL_FRONT_TLS_PORT)
if (!frontPort) throw new Error('preload.mjs needs TAKES_TEST_FAL_FRONT_TLS_PORT')

const connect = tls.connect
tls.connect = function connectToFront(...args) {
  const [options] = args
  if (options && typeof options === 'object' && !options.socket && isFalHost(options.host ?? options.servername)) {
    const servername = options.servername || options.host
    // An address needs no lookup: the studio's own (the SSRF guard's) would refuse loopback, rightly.
    const { lookup: _lookup, ...rest } = options
    args[0] = { ...rest, host: '127.0.0.1', port: frontPort, servername }
  }
  return connect.apply(this, args)
}
