import type { NextConfig } from 'next'
import { contentSecurityPolicy } from './lib/http/content-security-policy'

/**
 * Every response's policy but the pages' (proxy.ts gives each page one with its own script nonce) and
 * stored files' (their own, lib/http/file-headers): no inline script runs.
 */
const CONTENT_SECURITY_POLICY = contentSecurityPolicy({ dev: process.env.NODE_ENV === 'development' })

/** Stored files (uploads, renders, kept outputs), served by lib/local-fal/files and lib/storage. */
const FILES = '/:path(api/local-fal/files/.*|api/outputs/.*)'
const NOT_FILES = '/:path((?!api/local-fal/files/|api/outputs/).*)'

const SECURITY_HEADERS = [
  { key: 'Content-Security-Policy', value: CONTENT_SECURITY_POLICY },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
]

const nextConfig: NextConfig = {
  async headers() {
    return [
      { source: NOT_FILES, headers: SECURITY_HEADERS },
      // Stored files set their own policy (lib/http/file-headers), which a header set here would override.
      { source: FILES, headers: SECURITY_HEADERS.filter((header) => header.key !== 'Content-Security-Policy') },
    ]
  },
  // A second build (e.g. the key-leak check) can live beside the main one.
  distDir: process.env.TAKES_DIST_DIR ?? '.next',
  reactStrictMode: true,
  // `npm test` type-checks the whole project (tests included) before it builds: the build need not do it again.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  productionBrowserSourceMaps: process.env.TAKES_SOURCE_MAPS === '1',
  // PGlite loads its WASM and extension bundles from files beside its modules: it must stay in
  // node_modules, not be bundled (`pg` is on Next's own list already).
  serverExternalPackages: ['@electric-sql/pglite'],
}

export default nextConfig
