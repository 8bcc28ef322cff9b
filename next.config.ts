import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  // A second build (e.g. the key-leak check) can live beside the main one.
  distDir: process.env.TAKES_DIST_DIR ?? '.next',
  reactStrictMode: true,
  poweredByHeader: false,
  productionBrowserSourceMaps: process.env.TAKES_SOURCE_MAPS === '1',
}

export default nextConfig
