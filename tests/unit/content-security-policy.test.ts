import { describe, expect, it } from 'vitest'
import { catalog } from '@/lib/endpoints'
import { contentSecurityPolicy, newNonce } from '@/lib/http/content-security-policy'
import { compileSchema } from '@/lib/schema'

const directive = (policy: string, name: string) => policy.split('; ').find((entry) => entry.split(' ')[0] === name)

describe('contentSecurityPolicy', () => {
  it('admits a page’s scripts by its nonce and what they load, never inline or eval', () => {
    const policy = contentSecurityPolicy({ nonce: 'abc' })
    expect(directive(policy, 'script-src')).toBe("script-src 'self' 'nonce-abc' 'strict-dynamic'")
    expect(directive(policy, 'style-src')).toBe("style-src 'self' 'nonce-abc'")
    expect(directive(policy, 'object-src')).toBe("object-src 'none'")
    expect(directive(policy, 'frame-ancestors')).toBe("frame-ancestors 'none'")
  })

  it('runs no inline script at all without a nonce', () => {
    const policy = contentSecurityPolicy()
    expect(directive(policy, 'script-src')).toBe("script-src 'self'")
    expect(policy).not.toContain('nonce-')
  })

  it('allows eval and inline styles only for next dev', () => {
    const policy = contentSecurityPolicy({ nonce: 'abc', dev: true })
    expect(directive(policy, 'script-src')).toBe("script-src 'self' 'nonce-abc' 'strict-dynamic' 'unsafe-eval'")
    expect(directive(policy, 'style-src')).toBe("style-src 'self' 'unsafe-inline'")
  })
})

describe('media sources', () => {
  const sources = (policy: string, name: string) => directive(policy, name)!.split(' ').slice(1)
  const FAL = ['https://fal.media', 'https://*.fal.media', 'https://*.fal.ai', 'https://*.fal.run']

  /** The origins of every media URL in the catalog's examples, read through each endpoint's own form fields. */
  const exampleOrigins = new Set(
    catalog.endpoints.flatMap((endpoint) =>
      compileSchema(endpoint.input)
        .fields.filter((field) => field.kind === 'media')
        .map((field) => endpoint.example[field.name])
        .filter((value): value is string => typeof value === 'string' && /^https?:/.test(value))
        .map((url) => new URL(url).origin),
    ),
  )

  it('finds media hosts in the examples (on fal, "Load example" keeps the seeds’ URLs)', () => {
    expect([...exampleOrigins].sort()).toEqual(['https://storage.googleapis.com', 'https://v3b.fal.media'])
  })

  it.each(['img-src', 'media-src', 'connect-src'])('%s admits the studio, fal and exactly the examples’ hosts', (name) => {
    for (const policy of [contentSecurityPolicy(), contentSecurityPolicy({ nonce: 'abc' })]) {
      const listed = sources(policy, name)
      const beyond = listed.filter((source) => !["'self'", 'data:', 'blob:', ...FAL].includes(source))
      expect(new Set(beyond)).toEqual(exampleOrigins)
      expect(listed).toEqual(expect.arrayContaining(["'self'", ...FAL]))
    }
  })

  it('admits no other host anywhere else', () => {
    const policy = contentSecurityPolicy({ nonce: 'abc' })
    for (const origin of exampleOrigins) {
      expect(directive(policy, 'default-src')).not.toContain(origin)
      expect(directive(policy, 'script-src')).not.toContain(origin)
      expect(directive(policy, 'style-src')).not.toContain(origin)
    }
  })
})

describe('newNonce', () => {
  it('is 128 random bits, fresh every time', () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce))
    expect(nonces.size).toBe(100)
    for (const nonce of nonces) expect(Buffer.from(nonce, 'base64')).toHaveLength(16)
  })
})
