import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy, newNonce } from '@/lib/http/content-security-policy'

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

describe('newNonce', () => {
  it('is 128 random bits, fresh every time', () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce))
    expect(nonces.size).toBe(100)
    for (const nonce of nonces) expect(Buffer.from(nonce, 'base64')).toHaveLength(16)
  })
})
