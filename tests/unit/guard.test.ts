import { describe, expect, it } from 'vitest'
import { SLOW, useProcessDb } from './db-fixture'
import { isCrossOrigin, isPublicPath, safeNextPath } from '@/lib/auth/access'
import { clientAddress } from '@/lib/http/client-address'
import { mediaUrlProblems } from '@/lib/schema/media-urls'
import { compileSchema, describeFields } from '@/lib/schema'
import { TEXT_MAX_CHARS, URL_MAX_CHARS } from '@/lib/schema/string-limits'
import { readCappedBody, readJsonBody } from '@/lib/http/read-body'
import { createJwksCache, JwksFetchError, type FetchLike } from '@/lib/fal/webhook-signature'
import { catalog } from '@/lib/endpoints'

describe('access', () => {
  it('keeps share pages, kept media and sign-in public, and nothing else', () => {
    for (const path of ['/login', '/api/auth/login', '/s/AAAAAAAAAAAAAAAAAAAAAA', '/api/outputs/x/video.mp4']) expect(isPublicPath(path, 'GET')).toBe(true)
    expect(isPublicPath('/api/takes/abc', 'GET')).toBe(true)
    for (const [path, method] of [['/api/takes/abc', 'DELETE'], ['/', 'GET'], ['/takes', 'GET'], ['/s/a/b', 'GET'], ['/t/AAAAAAAAAAAAAAAAAAAAAA', 'GET'], ['/api/presets', 'GET'], ['/api/sweeps', 'POST'], ['/login/x', 'GET']]) {
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

  it('returns only to plain paths on this site after sign-in', () => {
    expect(safeNextPath('/takes?q=a')).toBe('/takes?q=a')
    expect(safeNextPath('/models/fal-ai/ltx-2-19b/video-to-video?take=abc#run')).toBe('/models/fal-ai/ltx-2-19b/video-to-video?take=abc#run')
    expect(safeNextPath('/a/../takes')).toBe('/takes')
    const bad = [
      '//evil.example', '/\\evil.example', '\\\\evil.example', 'https://evil.example', 'evil', '', null, undefined, 42, ['/takes'],
      // Control characters: header splitting, and the tabs and newlines browsers drop from URLs.
      '/\r\nSet-Cookie: takes_session=x', '/\t//evil.example', '/\n/evil.example', '/\u0000', '/x\u007f', '/x\u0085',
      // The same, percent-encoded.
      '/%0d%0aSet-Cookie:%20takes_session=x', '/%0D%0A', '/%09//evil.example', '/%5cevil.example', '/%5C%5Cevil.example',
      '/' + 'a'.repeat(2048),
    ]
    for (const next of bad) expect(safeNextPath(next), JSON.stringify(next)).toBe('/')
  })
})

// The limits themselves: tests/unit/rate-limit.test.ts (on the database).
describe('rate limits', () => {
  it('takes the address from the connection, and from X-Forwarded-For only behind a trusted proxy', () => {
    const headers = new Headers({ 'x-takes-client-address': '10.0.0.1', 'x-forwarded-for': '1.2.3.4, 10.0.0.9' })
    expect(clientAddress(headers, {})).toBe('10.0.0.1')
    // The right-most hop is the one the trusted proxy added; the ones to its left are the client's say.
    expect(clientAddress(headers, { TAKES_TRUST_PROXY: '1' })).toBe('10.0.0.9')
    expect(clientAddress(new Headers({ 'x-forwarded-for': '203.0.113.7' }), { TAKES_TRUST_PROXY: '1' })).toBe('203.0.113.7')
    const spoofed = new Headers([['x-forwarded-for', '6.6.6.6, 7.7.7.7'], ['x-forwarded-for', '203.0.113.7']])
    expect(clientAddress(spoofed, { TAKES_TRUST_PROXY: '1' })).toBe('203.0.113.7')
    expect(clientAddress(new Headers({ 'x-takes-client-address': '10.0.0.1', 'x-forwarded-for': ' , ' }), { TAKES_TRUST_PROXY: '1' })).toBe('10.0.0.1')
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
    expect(() => spendCaps({ TAKES_MAX_TAKE_USD: 'lots' })).toThrow(/TAKES_MAX_TAKE_USD/)
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

describe('string caps', () => {
  const { validator } = compileSchema(catalog.find('fal-ai/ltx-2-19b/video-to-video')!.input)
  const valid = { prompt: 'a cowboy', video_url: 'https://v3.fal.media/files/x/in.mp4' }
  const problems = (input: Record<string, unknown>) => {
    const parsed = validator.safeParse(input)
    return parsed.success ? [] : parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }))
  }

  it('caps prompts and other text at TEXT_MAX_CHARS, naming the limit on the field', () => {
    expect(problems({ ...valid, prompt: 'x'.repeat(TEXT_MAX_CHARS) })).toEqual([])
    expect(problems({ ...valid, prompt: 'x'.repeat(TEXT_MAX_CHARS + 1) })).toEqual([{ field: 'prompt', message: 'Prompt is too long: at most 10,000 characters' }])
    expect(problems({ ...valid, negative_prompt: 'x'.repeat(TEXT_MAX_CHARS + 1) })).toEqual([{ field: 'negative_prompt', message: 'Negative Prompt is too long: at most 10,000 characters' }])
  })

  it('caps http(s) media URLs at URL_MAX_CHARS, and leaves data URIs to the body cap', () => {
    const longUrl = `https://v3.fal.media/files/${'a'.repeat(URL_MAX_CHARS)}.mp4`
    expect(problems({ ...valid, video_url: longUrl })).toEqual([{ field: 'video_url', message: 'Video URL is too long: at most 8,192 characters for a URL (upload the file instead)' }])
    expect(problems({ ...valid, video_url: `data:video/mp4;base64,${'A'.repeat(URL_MAX_CHARS * 2)}` })).toEqual([])
  })
})

describe('request bodies', () => {
  /** A request whose body streams in chunks, without Content-Length (as `Transfer-Encoding: chunked` arrives). */
  function chunked(chunks: number, chunkBytes: number): { request: Request; pulled: () => number } {
    let pulled = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled === chunks) return controller.close()
        pulled++
        controller.enqueue(new Uint8Array(chunkBytes).fill(0x20))
      },
    })
    const request = new Request('http://studio.test/api/presets', { method: 'POST', body, duplex: 'half' } as RequestInit & { duplex: 'half' })
    return { request, pulled: () => pulled }
  }

  it('stops reading a body without Content-Length as soon as it passes the cap', async () => {
    const { request, pulled } = chunked(1000, 1024)
    expect(request.headers.get('content-length')).toBeNull()
    expect(await readCappedBody(request, 10 * 1024)).toBeNull()
    expect(pulled()).toBeLessThan(20)
    expect(await readJsonBody(chunked(1000, 1024).request, 10 * 1024)).toEqual({ ok: false, status: 413, detail: 'The body is over the 10240-byte limit' })
  })

  it('refuses a declared Content-Length over the cap without reading, and reads a body under it', async () => {
    const declared = new Request('http://studio.test/', { method: 'POST', body: 'x'.repeat(100), headers: { 'content-length': '100' } })
    expect(await readCappedBody(declared, 99)).toBeNull()
    expect(declared.bodyUsed).toBe(false)
    const { request } = chunked(3, 10)
    expect(await readCappedBody(request, 30)).toHaveLength(30)
  })
})

describe('webhook keys', () => {
  const JWKS = 'https://keys.example/.well-known/jwks.json'

  it('remembers a failed key-set fetch for 30 s instead of fetching again per webhook', async () => {
    let clock = 0
    let fetches = 0
    let up = false
    const countingFetch: FetchLike = async () => {
      fetches++
      return up ? Response.json({ keys: [] }) : new Response('down', { status: 503 })
    }
    const cache = createJwksCache(countingFetch, { now: () => clock })
    for (let i = 0; i < 20; i++) await expect(cache.getKeys(JWKS)).rejects.toBeInstanceOf(JwksFetchError)
    expect(fetches).toBe(1)
    up = true
    clock = 29_999
    await expect(cache.getKeys(JWKS)).rejects.toThrow(/HTTP 503/)
    expect(fetches).toBe(1)
    clock = 30_000
    expect(await cache.getKeys(JWKS)).toEqual([])
    expect(fetches).toBe(2)
  })

  it('keeps answering from stale keys, without refetching, while a refetch failure is remembered', async () => {
    let clock = 0
    let fetches = 0
    let up = true
    const key = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }
    const cache = createJwksCache(async () => {
      fetches++
      return up ? Response.json({ keys: [key] }) : new Response('down', { status: 500 })
    }, { now: () => clock })
    await cache.getKeys(JWKS)
    up = false
    clock = 2 * 60 * 60_000
    for (let i = 0; i < 10; i++) expect(await cache.getKeys(JWKS)).toEqual([key])
    expect(fetches).toBe(2)
  })
})
