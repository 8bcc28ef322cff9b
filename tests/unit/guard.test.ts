import { describe, expect, it } from 'vitest'
import { SLOW, useProcessDb } from './db-fixture'
import { isCrossOrigin, isPublicPath, safeNextPath } from '@/lib/auth/access'
import { authConfig, createSessionToken, isValidSession, passwordMatches, sessionFromCookieHeader } from '@/lib/auth/session'
import { rateLimited } from '@/lib/http/rate-limit'
import { clientAddress } from '@/lib/http/client-address'
import { mediaUrlProblems } from '@/lib/schema/media-urls'
import { describeFields } from '@/lib/schema'
import { catalog } from '@/lib/endpoints'

const config = authConfig({ TAKES_PASSWORD: 'hunter2' })!

describe('sessions', () => {
  it('needs a password to be configured at all', () => {
    expect(authConfig({})).toBeNull()
    expect(authConfig({ TAKES_PASSWORD: 'x', TAKES_SESSION_SECRET: 's' })).toEqual({ password: 'x', secret: 's' })
  })

  it('accepts its own tokens until they expire, and nothing forged, altered or signed by another secret', () => {
    const now = Date.UTC(2026, 10, 21)
    const token = createSessionToken(config, now)
    expect(isValidSession(config, token, now)).toBe(true)
    expect(isValidSession(config, token, now + 31 * 86_400_000)).toBe(false)
    const [version, expires, nonce, signature] = token.split('.')
    expect(isValidSession(config, `${version}.${Number(expires) + 999}.${nonce}.${signature}`, now)).toBe(false)
    expect(isValidSession(config, `${version}.${expires}.other.${signature}`, now)).toBe(false)
    expect(isValidSession(authConfig({ TAKES_PASSWORD: 'other' })!, token, now)).toBe(false)
    for (const junk of [undefined, '', 'v1', 'v1.a.b.c', 'v2.9999999999.x.y', `${token}.extra`]) expect(isValidSession(config, junk, now)).toBe(false)
  })

  it('compares the password exactly and reads the cookie from a Cookie header', () => {
    expect(passwordMatches(config, 'hunter2')).toBe(true)
    for (const wrong of ['hunter', 'hunter22', 'Hunter2', '']) expect(passwordMatches(config, wrong)).toBe(false)
    expect(sessionFromCookieHeader('a=1; takes_session=v1.2.3.4=; b=2')).toBe('v1.2.3.4=')
    expect(sessionFromCookieHeader(null)).toBeUndefined()
  })
})

describe('access', () => {
  it('keeps take pages, their media and sign-in public, and nothing else', () => {
    for (const path of ['/login', '/api/auth/login', '/t/AAAAAAAAAAAAAAAAAAAAAA', '/api/outputs/x/video.mp4']) expect(isPublicPath(path, 'GET')).toBe(true)
    expect(isPublicPath('/api/takes/abc', 'GET')).toBe(true)
    for (const [path, method] of [['/api/takes/abc', 'DELETE'], ['/', 'GET'], ['/takes', 'GET'], ['/t/a/b', 'GET'], ['/api/presets', 'GET'], ['/api/sweeps', 'POST'], ['/login/x', 'GET']]) {
      expect(isPublicPath(path!, method!), `${method} ${path}`).toBe(false)
    }
  })

  it('refuses state-changing requests from other origins', () => {
    const headers = (entries: Record<string, string>) => new Headers({ host: 'studio.example:3000', ...entries })
    expect(isCrossOrigin('POST', headers({ origin: 'http://studio.example:3000' }), undefined)).toBe(false)
    expect(isCrossOrigin('POST', headers({}), undefined)).toBe(false)
    expect(isCrossOrigin('GET', headers({ origin: 'https://evil.example' }), undefined)).toBe(false)
    expect(isCrossOrigin('POST', headers({ origin: 'https://evil.example' }), undefined)).toBe(true)
    expect(isCrossOrigin('DELETE', headers({ origin: 'null' }), undefined)).toBe(true)
    expect(isCrossOrigin('PUT', headers({ 'sec-fetch-site': 'cross-site' }), undefined)).toBe(true)
    expect(isCrossOrigin('POST', headers({ origin: 'https://takes.example.com' }), 'https://takes.example.com/')).toBe(false)
  })

  it('returns only to paths on this site after sign-in', () => {
    expect(safeNextPath('/takes?q=a')).toBe('/takes?q=a')
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'evil', '', null, undefined]) expect(safeNextPath(bad)).toBe('/')
  })
})

describe('rate limits', () => {
  it('allows the limit per key in a window, then 429 with Retry-After, and counts every key', () => {
    const env = { TAKES_RATE_SUBMIT: '2' }
    const key = `unit-${Math.random()}`
    const now = 1_000_000
    expect(rateLimited('submit', [key, 'shared-a'], env, now)).toBeNull()
    expect(rateLimited('submit', [key, 'shared-b'], env, now + 1)).toBeNull()
    const refused = rateLimited('submit', [key], env, now + 2)
    expect(refused?.status).toBe(429)
    expect(refused?.headers.get('retry-after')).toBe('60')
    expect(rateLimited('submit', [key], env, now + 60_001)).toBeNull()
  })

  it('takes the address from the connection, and from X-Forwarded-For only behind a trusted proxy', () => {
    const headers = new Headers({ 'x-takes-client-address': '10.0.0.1', 'x-forwarded-for': '1.2.3.4, 10.0.0.9' })
    expect(clientAddress(headers, {})).toBe('10.0.0.1')
    expect(clientAddress(headers, { TAKES_TRUST_PROXY: '1' })).toBe('1.2.3.4')
  })
})

describe('media URLs', () => {
  it('allows http(s) and data URIs on media fields only', () => {
    const fields = describeFields(catalog.find('fal-ai/ltx-2-19b/video-to-video')!.input)
    expect(mediaUrlProblems(fields, { prompt: 'file:///etc/passwd', video_url: 'https://x/y.mp4' })).toEqual([])
    expect(mediaUrlProblems(fields, { video_url: 'data:video/mp4;base64,AAAA' })).toEqual([])
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'ftp://x/y', '/etc/passwd', 'gopher://x']) {
      expect(mediaUrlProblems(fields, { video_url: bad }).map((problem) => problem.field)).toEqual(['video_url'])
    }
  })
})

describe('spend caps', () => {
  it('refuses a take over the per-take cap, saying by how much; off when unset', async () => {
    const { checkBudget, spendCaps } = await import('@/lib/takes/spend-guard')
    expect(spendCaps({ TAKES_MAX_TAKE_USD: '0.25', TAKES_DAILY_USD: '' })).toEqual({ perTake: 0.25, perDay: undefined })
    expect(spendCaps({ TAKES_MAX_TAKE_USD: 'lots' })).toEqual({ perTake: undefined, perDay: undefined })
    expect(await checkBudget([0.1, 0.25], { perTake: 0.25 })).toBeNull()
    expect(await checkBudget([0.1, 0.455], { perTake: 0.25 })).toEqual({
      cap: 'per-take',
      detail: 'The estimate $0.4550 is over the per-take cap of $0.2500 (TAKES_MAX_TAKE_USD) by $0.2050.',
    })
    expect(await checkBudget([100], {})).toBeNull()
  })
})

describe('the daily cap', () => {
  useProcessDb()

  it(
    'counts today’s bills and the estimates of takes still running, and refuses what would go past the cap',
    async () => {
      const { checkBudget, spentToday } = await import('@/lib/takes/spend-guard')
      const { createTake, finishTake } = await import('@/lib/db/queries')
      const billed = await createTake({ endpointId: 'e', input: {}, estimateUsd: 0.3 })
      await finishTake(billed.id, { status: 'COMPLETED', billedUsd: 0.25 })
      const failed = await createTake({ endpointId: 'e', input: {}, estimateUsd: 5 })
      await finishTake(failed.id, { status: 'FAILED' })
      await createTake({ endpointId: 'e', input: {}, estimateUsd: 0.5 })
      await createTake({ endpointId: 'e', input: {}, estimateUsd: 9, createdAt: new Date(Date.now() - 2 * 86_400_000) })
      expect(await spentToday()).toBeCloseTo(0.75, 10)
      expect(await checkBudget([0.25], { perDay: 1 })).toBeNull()
      const refusal = await checkBudget([0.3], { perDay: 1 })
      expect(refusal).toEqual({
        cap: 'daily',
        detail: 'Today’s spend would reach $1.0500 ($0.7500 so far + $0.3000), over the daily cap of $1.0000 (TAKES_DAILY_USD) by $0.0500.',
      })
    },
    SLOW,
  )
})
