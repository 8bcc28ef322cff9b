import { EXAMPLE_MEDIA_ORIGINS } from '../endpoints/example-hosts'

/** fal's storage and CDN: uploads go there directly, and outputs and uploaded media play from there. */
const FAL_MEDIA = ['https://fal.media', 'https://*.fal.media', 'https://*.fal.ai', 'https://*.fal.run']

/**
 * Where the catalog's examples keep their media (derived from the examples themselves): with a key,
 * "Load example" keeps the seeds' URLs, and the page previews and checks them. Exactly those hosts.
 */
const MEDIA_SOURCES = [...FAL_MEDIA, ...EXAMPLE_MEDIA_ORIGINS].join(' ')

export interface PolicyOptions {
  /** This response's nonce: pages only (proxy.ts makes one per request, Next puts it on its own scripts). */
  nonce?: string
  /** `next dev` evaluates code and injects styles: 'unsafe-eval' and inline styles there only. */
  dev?: boolean
}

/**
 * The studio's Content-Security-Policy: media from the studio, fal and the examples' hosts, no framing,
 * no plugins.
 * Scripts never run inline by default. A page's policy admits only scripts carrying its nonce and those
 * they load ('strict-dynamic': a file the studio serves cannot be pulled in by an injected `<script
 * src>`; 'self' is for browsers without CSP 3). Every other response gets the policy without a nonce,
 * under which no inline script runs at all. Style elements need the nonce too; style attributes stay
 * allowed (next/image sets them).
 */
export function contentSecurityPolicy({ nonce, dev = false }: PolicyOptions = {}): string {
  const nonceSource = nonce ? ` 'nonce-${nonce}'` : ''
  return [
    "default-src 'self'",
    `script-src 'self'${nonceSource}${nonce ? " 'strict-dynamic'" : ''}${dev ? " 'unsafe-eval'" : ''}`,
    `style-src 'self'${dev ? " 'unsafe-inline'" : nonceSource}`,
    "style-src-attr 'unsafe-inline'",
    `img-src 'self' data: blob: ${MEDIA_SOURCES}`,
    `media-src 'self' data: blob: ${MEDIA_SOURCES}`,
    `connect-src 'self' ${MEDIA_SOURCES}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** A fresh nonce: 128 random bits, base64. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64')
}
