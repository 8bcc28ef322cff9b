import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
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
