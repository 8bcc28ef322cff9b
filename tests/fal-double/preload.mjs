// Loaded into the fal-mode studio (node --import) by the test harness only: its TLS connections to
// fal's hosts go to the fal double's front (the test CA comes in through NODE_EXTRA_CA_CERTS).
import { routeFalHosts } from './route-fal-hosts.mjs'

const port = Number(process.env.TAKES_TEST_FAL_FRONT_TLS_PORT)
if (!port) throw new Error('preload.mjs needs TAKES_TEST_FAL_FRONT_TLS_PORT')
routeFalHosts({ port })
