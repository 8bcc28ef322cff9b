import type { NextConfig } from 'next'

/** fal's storage and CDN: uploads go there directly, and outputs and uploaded media play from there. */
const FAL_MEDIA = 'https://fal.media https://*.fal.media https://*.fal.ai https://*.fal.run'

/**
 * Only what the pages need: the studio's own scripts and styles (Next inlines its bootstrap, hence
 * 'unsafe-inline'; no eval outside development), media from the studio and fal, and no framing.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${process.env.NODE_ENV === 'development' ? " 'unsafe-eval'" : ''}`,
  "style-src 'self' 'unsafe-inline'",
  `img-src 'self' data: blob: ${FAL_MEDIA}`,
  `media-src 'self' data: blob: ${FAL_MEDIA}`,
  `connect-src 'self' ${FAL_MEDIA}`,
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const SECURITY_HEADERS = [
  { key: 'Content-Security-Policy', value: CONTENT_SECURITY_POLICY },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
]

const nextConfig: NextConfig = {
  async headers() {
    return [{ source: '/:path*', headers: SECURITY_HEADERS }]
  },
  // A second build (e.g. the key-leak check) can live beside the main one.
  distDir: process.env.TAKES_DIST_DIR ?? '.next',
  reactStrictMode: true,
  poweredByHeader: false,
  productionBrowserSourceMaps: process.env.TAKES_SOURCE_MAPS === '1',
  // PGlite loads its WASM and extension bundles from files beside its modules: it must stay in
  // node_modules, not be bundled (`pg` is on Next's own list already).
  serverExternalPackages: ['@electric-sql/pglite'],
}

export default nextConfig
