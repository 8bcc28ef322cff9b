// A throwaway certificate authority and one certificate for every fal host (openssl, from Debian),
// so the fal-mode studio verifies TLS to the front exactly as it verifies fal's (NODE_EXTRA_CA_CERTS).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { FAL_HOSTS } from './hosts.mjs'

/** Makes (once per directory) ca.pem, key.pem and cert.pem in `dir`; their paths. */
export function makeCertificates(dir) {
  const files = { ca: path.join(dir, 'ca.pem'), key: path.join(dir, 'key.pem'), cert: path.join(dir, 'cert.pem') }
  if (existsSync(files.cert)) return files
  mkdirSync(dir, { recursive: true })
  const caKey = path.join(dir, 'ca-key.pem')
  const csr = path.join(dir, 'leaf.csr')
  const ext = path.join(dir, 'leaf.ext')
  const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', caKey, '-out', files.ca, '-days', '3',
    '-subj', '/CN=Takes fal double test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', files.key, '-out', csr, '-subj', '/CN=fal double')
  writeFileSync(ext, `subjectAltName=${FAL_HOSTS.map((host) => `DNS:${host}`).join(',')}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`)
  openssl('x509', '-req', '-in', csr, '-CA', files.ca, '-CAkey', caKey, '-CAcreateserial', '-out', files.cert, '-days', '3', '-extfile', ext)
  return files
}
