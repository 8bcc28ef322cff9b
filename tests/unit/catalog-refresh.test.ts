import { execFile } from 'node:child_process'
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { renderToStaticMarkup } from 'react-dom/server'
import { createElement } from 'react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CATALOG_ENTRIES } from '@/lib/endpoints'
import { LIFECYCLE_FILE, PRICES_FILE, openApiFileName } from '@/lib/endpoints/data-files'
import { possibleRetirement } from '@/lib/endpoints/lifecycle'
import { PRICES } from '@/lib/endpoints/prices'
import committedLifecycle from '@/lib/endpoints/data/lifecycle.json'
import { asLifecycle, asPriceBook } from '@/lib/endpoints/refresh/data-schemas'
import { refreshCatalog, type RefreshResult } from '@/lib/endpoints/refresh/refresh-catalog'
import { applyPlatformControl, handlePlatformApi, platformOverrides, resetPlatformApi, type PlatformControl } from '@/lib/local-fal/platform-api'
import { pricingRuleOf } from '@/lib/pricing/rules'
import { inputSchemaOf, type OpenApiDocument } from '@/lib/schema/openapi'
import { RetiredNotice } from '@/components/playground/retired-notice'

const DATA_DIR = path.resolve('lib/endpoints/data')
const KEY = 'platform-test-key'
const DOUBLE = 'http://double.test/api/local-fal/platform'
const BASE_URL = `${DOUBLE}/v1`

const V2V = 'fal-ai/ltx-2-19b/video-to-video'
const PRO = 'fal-ai/ltx-2/image-to-video'
const REF = 'fal-ai/ltx-2.3-22b/distilled/reference-video-to-video/lora'
const REF_SIBLING = 'fal-ai/ltx-2.3-22b/distilled/text-to-video/lora'

/** Requests the refresh made, as paths with their queries. */
let asked: string[] = []

/** fetch, answered in process by the fal double's platform API (no network). */
const doubleFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init)
  const url = new URL(request.url)
  const platformPath = url.pathname.slice(new URL(DOUBLE).pathname.length)
  asked.push(`${platformPath}${url.search}`)
  return handlePlatformApi(request, platformPath, { acceptsKey: (key) => key === KEY })
}

let dataDir: string

beforeEach(async () => {
  resetPlatformApi()
  asked = []
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'takes-catalog-'))
  await cp(DATA_DIR, dataDir, { recursive: true })
})

afterEach(async () => {
  resetPlatformApi()
  await rm(dataDir, { recursive: true, force: true })
})

function refresh(today = '2026-03-04', fetchImpl: typeof fetch = doubleFetch): Promise<RefreshResult> {
  return refreshCatalog({
    fetch: fetchImpl,
    baseUrl: BASE_URL,
    authorization: `Key ${KEY}`,
    dataDir,
    endpoints: CATALOG_ENTRIES.map(({ id, pricingSpec }) => ({ id, pricingSpec })),
    today,
    retryDelaysMs: [],
  })
}

function control(body: PlatformControl) {
  const applied = applyPlatformControl(body)
  if (!applied.ok) throw new Error(applied.detail)
}

/** Every file of the copy, by name. */
async function snapshot(dir = dataDir): Promise<Map<string, string>> {
  const names = (await readdir(dir)).sort()
  return new Map(await Promise.all(names.map(async (name) => [name, await readFile(path.join(dir, name), 'utf8')] as const)))
}

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(path.join(dataDir, file), 'utf8'))
}

/** The files whose text differs between two snapshots. */
function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after.keys()].filter((name) => before.get(name) !== after.get(name))
}

/** The report's lines under one endpoint's heading. */
function linesOf(result: RefreshResult, endpointId: string): string[] {
  const start = result.lines.indexOf(endpointId)
  if (start === -1) return []
  const lines: string[] = []
  for (const line of result.lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break
    lines.push(line.trim())
  }
  return lines
}

describe('the committed catalog data', () => {
  it('prices.json and lifecycle.json have the shapes the refresh writes (the studio reads them unchecked)', async () => {
    expect(asPriceBook(await readJson(PRICES_FILE))).toEqual(PRICES)
    expect(() => asLifecycle(committedLifecycle)).not.toThrow()
  })

  it('each endpoint imports the document the refresh rewrites, and prices.json prices each rule', async () => {
    for (const entry of CATALOG_ENTRIES) {
      const committed = JSON.parse(await readFile(path.join(DATA_DIR, openApiFileName(entry.id)), 'utf8')) as unknown
      expect(committed, entry.id).toEqual(entry.openapi)
      expect(entry.pricingSpec, entry.id).toBeDefined()
      expect(pricingRuleOf(entry.id, entry.pricingSpec!, PRICES), entry.id).toEqual(entry.pricing)
    }
    expect(asLifecycle(await readJson(LIFECYCLE_FILE))).toEqual({})
  })

  it('an endpoint without a published price keeps its borrowed rate; a published one replaces it', () => {
    const spec = CATALOG_ENTRIES.find((entry) => entry.id === REF)!.pricingSpec!
    expect(PRICES[REF]).toBeUndefined()
    expect(pricingRuleOf(REF, spec, PRICES)).toMatchObject({ usdPerMegapixel: 0.001405, source: { type: 'borrowed', from: REF_SIBLING } })
    const published = { ...PRICES, [REF]: { unit_price: 0.0013, unit: 'megapixels', currency: 'USD' } }
    expect(pricingRuleOf(REF, spec, published)).toEqual({ kind: 'per_megapixel', usdPerMegapixel: 0.0013, source: { type: 'published' } })
  })

  it('refuses a price in another unit or currency than its rule bills', () => {
    const spec = CATALOG_ENTRIES.find((entry) => entry.id === V2V)!.pricingSpec!
    expect(() => pricingRuleOf(V2V, spec, { [V2V]: { unit_price: 0.1, unit: 'videos', currency: 'USD' } })).toThrow(/per videos/)
    expect(() => pricingRuleOf(V2V, spec, { [V2V]: { unit_price: 0.1, unit: 'megapixels', currency: 'EUR' } })).toThrow(/EUR/)
    expect(() => pricingRuleOf(V2V, spec, {})).toThrow(/no price/)
  })
})

describe('npm run catalog:refresh against the fal double', () => {
  it('no change: nothing is rewritten and it says so', async () => {
    const before = await snapshot()
    const result = await refresh()
    expect(result.lines).toEqual([`No changes: the committed catalog matches fal's platform API (${CATALOG_ENTRIES.length} endpoints).`])
    expect(result.written).toEqual([])
    expect(result.problems).toEqual([])
    expect(changedFiles(before, await snapshot())).toEqual([])
    // It asked fal's two APIs as fal documents them: one model lookup per endpoint, prices in one call.
    expect(asked.filter((request) => request.startsWith('/v1/models?'))).toHaveLength(CATALOG_ENTRIES.length)
    expect(asked).toContain(`/v1/models?${new URLSearchParams({ endpoint_id: V2V, expand: 'openapi-3.0' })}`)
    const pricing = asked.filter((request) => request.startsWith('/v1/models/pricing?'))
    expect(pricing).toHaveLength(1)
    expect(new URL(`http://x${pricing[0]}`).searchParams.get('endpoint_id')!.split(',').sort()).toEqual(
      [...CATALOG_ENTRIES.map((entry) => entry.id), REF_SIBLING].sort(),
    )
  })

  it('a schema change on the double: the document is rewritten and the difference printed', async () => {
    control({
      inputFields: {
        [V2V]: {
          num_frames: { default: 97, maximum: 257 },
          camera_motion: { title: 'Camera Motion', type: 'string', enum: ['static', 'dolly_in'], default: 'static' },
          use_multiscale: null,
        },
      },
    })
    const before = await snapshot()
    const result = await refresh()
    const file = openApiFileName(V2V)
    expect(result.problems).toEqual([])
    expect(result.written).toEqual([file])
    expect(changedFiles(before, await snapshot())).toEqual([file])
    expect(linesOf(result, V2V)).toEqual([
      '+ input field `camera_motion`: string, default "static", one of ["static","dolly_in"]',
      '- input field `use_multiscale`',
      '~ `num_frames`: default 121 → 97',
      '~ `num_frames`: maximum 481 → 257',
      `→ rewrote ${file}`,
    ])
    expect(result.lines.at(-2)).toBe(`${CATALOG_ENTRIES.length - 1} endpoints unchanged.`)
    expect(result.lines.at(-1)).toBe(`Rewrote: ${file}`)

    const text = await readFile(path.join(dataDir, file), 'utf8')
    const input = inputSchemaOf(JSON.parse(text) as OpenApiDocument, V2V)
    expect(input.properties?.num_frames).toMatchObject({ default: 97, minimum: 9, maximum: 257 })
    expect(input.properties?.camera_motion).toMatchObject({ enum: ['static', 'dolly_in'] })
    expect(input.properties).not.toHaveProperty('use_multiscale')
    expect(input['x-fal-order-properties']).toContain('camera_motion')
    expect(input['x-fal-order-properties']).not.toContain('use_multiscale')
    // Written as committed: two-space JSON, the seed example digit for digit.
    expect(text).toMatch(/^\{\n {2}"openapi": "3\.0\.4",/)
    expect(text).toContain('1490631192028410600')
    expect(text.endsWith('}\n')).toBe(true)

    // What it wrote is what it compares: a second run finds nothing more.
    expect((await refresh()).lines).toEqual([`No changes: the committed catalog matches fal's platform API (${CATALOG_ENTRIES.length} endpoints).`])
  })

  it('a change outside the fields is still a change, said as such', async () => {
    const changed = structuredClone(CATALOG_ENTRIES.find((entry) => entry.id === PRO)!.openapi) as Record<string, unknown>
    changed.info = { ...(changed.info as object), description: 'A newer description.' }
    control({ documents: { [PRO]: changed } })
    const result = await refresh()
    expect(linesOf(result, PRO)).toEqual(['~ no field changed: descriptions, examples or metadata did', `→ rewrote ${openApiFileName(PRO)}`])
  })

  it('a price change on the double: prices.json is rewritten and the change printed', async () => {
    control({ prices: { [V2V]: { unit_price: 0.002, unit: 'megapixels', currency: 'USD' }, [PRO]: { unit_price: 0.07, unit: 'seconds', currency: 'USD' } } })
    const before = await snapshot()
    const result = await refresh()
    expect(result.problems).toEqual([])
    expect(result.written).toEqual([PRICES_FILE])
    expect(changedFiles(before, await snapshot())).toEqual([PRICES_FILE])
    expect(linesOf(result, V2V)).toEqual([
      "~ fal's price for this endpoint: $0.0018 per megapixels → $0.002 per megapixels",
      '~ price: $0.0018 per megapixel of output → $0.002 per megapixel of output',
    ])
    expect(linesOf(result, PRO)).toEqual([
      "~ fal's price for this endpoint: $0.06 per seconds → $0.07 per seconds",
      '~ price: $0.06/s at 1080p, $0.12/s at 1440p, $0.24/s at 2160p → $0.07/s at 1080p, $0.14/s at 1440p, $0.28/s at 2160p',
    ])
    const prices = asPriceBook(await readJson(PRICES_FILE))
    expect(prices[V2V]).toEqual({ unit_price: 0.002, unit: 'megapixels', currency: 'USD' })
    expect(prices[REF_SIBLING]).toEqual(PRICES[REF_SIBLING])
    expect(Object.keys(prices)).toEqual(Object.keys(PRICES))
  })

  it('the borrowed rate follows its source, and a price fal starts to publish replaces it', async () => {
    control({ prices: { [REF_SIBLING]: { unit_price: 0.0015, unit: 'megapixels', currency: 'USD' } } })
    const borrowed = await refresh()
    expect(linesOf(borrowed, REF)).toContain(`~ fal's price for ${REF_SIBLING}, whose rate this endpoint borrows: $0.001405 per megapixels → $0.0015 per megapixels`)
    expect(linesOf(borrowed, REF).at(-1)).toMatch(/^~ price: ≈ \$0\.001405 per megapixel of output \(estimate: .*\) → ≈ \$0\.0015 per megapixel/)

    control({ prices: { [REF]: { unit_price: 0.0013, unit: 'megapixels', currency: 'USD' } } })
    const published = await refresh()
    expect(linesOf(published, REF)).toContain("~ fal's price for this endpoint: none → $0.0013 per megapixels")
    expect(linesOf(published, REF).at(-1)).toMatch(/→ \$0\.0013 per megapixel of output$/)
    expect(asPriceBook(await readJson(PRICES_FILE))[REF]).toEqual({ unit_price: 0.0013, unit: 'megapixels', currency: 'USD' })
  })

  it('a price in another unit is reported and not written', async () => {
    control({ prices: { [V2V]: { unit_price: 0.4, unit: 'videos', currency: 'USD' } } })
    const before = await snapshot()
    const result = await refresh()
    expect(result.written).toEqual([])
    expect(changedFiles(before, await snapshot())).toEqual([])
    expect(result.problems).toHaveLength(1)
    expect(linesOf(result, V2V)).toEqual([expect.stringMatching(/^✗ fal now prices this endpoint at \$0\.4 per videos, but the rule bills USD per megapixels: not written/)])
  })

  it('an endpoint fal no longer lists is reported and marked as possibly retired', async () => {
    control({ unlisted: [PRO] })
    const before = await snapshot()
    const result = await refresh('2026-03-04')
    expect(result.written).toEqual([LIFECYCLE_FILE])
    expect(changedFiles(before, await snapshot())).toEqual([LIFECYCLE_FILE])
    expect(linesOf(result, PRO)).toEqual([
      `! fal no longer lists this endpoint: marked as possibly retired in ${LIFECYCLE_FILE}`,
      '! fal answered no price for this endpoint; the committed $0.06 per seconds is kept',
    ])
    const lifecycle = asLifecycle(await readJson(LIFECYCLE_FILE))
    expect(lifecycle).toEqual({ [PRO]: { status: 'unlisted', noticed: '2026-03-04' } })
    expect(possibleRetirement(PRO, lifecycle)).toEqual({ status: 'unlisted', noticed: '2026-03-04' })
    expect(possibleRetirement(V2V, lifecycle)).toBeNull()

    // Still unlisted a week later: reported again, the day first seen kept, nothing rewritten.
    const again = await refresh('2026-03-11')
    expect(again.written).toEqual([])
    expect(linesOf(again, PRO)[0]).toBe('! fal still does not list this endpoint (since 2026-03-04): possibly retired')

    // Listed again: the mark goes.
    control({ unlisted: [] })
    const back = await refresh('2026-03-18')
    expect(back.written).toEqual([LIFECYCLE_FILE])
    expect(linesOf(back, PRO)).toEqual(['~ fal lists this endpoint as active again: its possibly-retired mark is removed'])
    expect(await readJson(LIFECYCLE_FILE)).toEqual({})
    expect(changedFiles(before, await snapshot())).toEqual([])
  })

  it('an endpoint fal lists as deprecated is marked too, and its document still refreshed', async () => {
    control({ deprecated: [V2V], inputFields: { [V2V]: { fps: { maximum: 30 } } } })
    const result = await refresh()
    expect(linesOf(result, V2V)).toEqual([
      `! fal lists this endpoint as deprecated: marked as possibly retired in ${LIFECYCLE_FILE}`,
      '~ `fps`: maximum 60 → 30',
      `→ rewrote ${openApiFileName(V2V)}`,
    ])
    expect(asLifecycle(await readJson(LIFECYCLE_FILE))).toEqual({ [V2V]: { status: 'deprecated', noticed: '2026-03-04' } })
  })

  it('an endpoint answered 404 counts as unlisted', async () => {
    const notFoundFor: typeof fetch = async (input, init) => {
      const url = new URL(new Request(input, init).url)
      if (url.pathname.endsWith('/v1/models') && url.searchParams.get('endpoint_id') === V2V) {
        return Response.json({ error: { type: 'not_found', message: 'Resource not found' } }, { status: 404 })
      }
      return doubleFetch(input, init)
    }
    const result = await refresh('2026-03-04', notFoundFor)
    expect(linesOf(result, V2V)).toEqual([`! fal no longer lists this endpoint: marked as possibly retired in ${LIFECYCLE_FILE}`])
  })

  it('follows fal’s cursor pages', async () => {
    control({ pageSize: 2, prices: { [REF]: { unit_price: 0.0013, unit: 'megapixels', currency: 'USD' } } })
    const result = await refresh()
    expect(asked.filter((request) => request.startsWith('/v1/models/pricing?'))).toHaveLength(3)
    expect(asPriceBook(await readJson(PRICES_FILE))[REF]).toEqual({ unit_price: 0.0013, unit: 'megapixels', currency: 'USD' })
    expect(result.problems).toEqual([])
  })

  it('a refused key is a problem, and nothing is written', async () => {
    const before = await snapshot()
    const result = await refreshCatalog({
      fetch: doubleFetch,
      baseUrl: BASE_URL,
      authorization: 'Key wrong',
      dataDir,
      endpoints: CATALOG_ENTRIES.map(({ id, pricingSpec }) => ({ id, pricingSpec })),
      today: '2026-03-04',
      retryDelaysMs: [],
    })
    expect(result.written).toEqual([])
    expect(result.problems[0]).toMatch(/401 authorization_error: Invalid API key/)
    expect(changedFiles(before, await snapshot())).toEqual([])
  })

  it('an unreachable API stops the run without touching anything', async () => {
    const before = await snapshot()
    const result = await refresh('2026-03-04', () => Promise.reject(new TypeError('fetch failed')))
    expect(result.written).toEqual([])
    expect(result.problems).toEqual([`${V2V}: could not reach fal's platform API at ${BASE_URL} (/models: fetch failed): nothing was refreshed`])
    expect(changedFiles(before, await snapshot())).toEqual([])
  })
})

describe('the script', () => {
  /** The double's platform API over HTTP, as the studio's simulator route serves it. */
  async function serveDouble() {
    const server = createServer((incoming, outgoing) => {
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1')
      const headers = new Headers()
      for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === 'string') headers.set(name, value)
      const request = new Request(url, { method: incoming.method, headers })
      void handlePlatformApi(request, url.pathname.slice('/api/local-fal/platform'.length), { acceptsKey: (key) => key === KEY }).then(async (response) => {
        outgoing.writeHead(response.status, Object.fromEntries(response.headers))
        outgoing.end(Buffer.from(await response.arrayBuffer()))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/local-fal/platform/v1` }
  }

  function runScript(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile('npm', ['run', '--silent', 'catalog:refresh', '--', ...args], { env: { NODE_ENV: 'test', PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
      })
    })
  }

  it('npm run catalog:refresh against the double: a schema change rewrites the document and prints the difference', async () => {
    const { server, baseUrl } = await serveDouble()
    try {
      control({ inputFields: { [PRO]: { duration: { default: 8 } } } })
      const before = await snapshot()
      const run = await runScript([`--base-url=${baseUrl}`, `--data-dir=${dataDir}`], { FAL_KEY: KEY })
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.stdout).toContain(`${PRO}\n  ~ \`duration\`: default 6 → 8\n  → rewrote ${openApiFileName(PRO)}\n`)
      expect(changedFiles(before, await snapshot())).toEqual([openApiFileName(PRO)])

      const without = await runScript([`--base-url=${baseUrl}`, `--data-dir=${dataDir}`], {})
      expect(without.code).toBe(2)
      expect(without.stderr).toMatch(/needs FAL_KEY/)
    } finally {
      server.close()
    }
  }, 120_000)
})

describe('the double of fal’s platform API', () => {
  const get = (pathAndQuery: string, authorization: string | null = `Key ${KEY}`) =>
    handlePlatformApi(new Request(`${DOUBLE}${pathAndQuery}`, { headers: authorization ? { authorization } : {} }), pathAndQuery.split('?')[0]!, {
      acceptsKey: (key) => key === KEY,
    })

  it('answers in fal’s shapes', async () => {
    const models = await get(`/v1/models?endpoint_id=${encodeURIComponent(V2V)}&expand=openapi-3.0`)
    expect(models.status).toBe(200)
    const body = (await models.json()) as { models: Record<string, unknown>[]; next_cursor: unknown; has_more: unknown }
    expect(body).toMatchObject({ next_cursor: null, has_more: false })
    expect(body.models).toHaveLength(1)
    expect(body.models[0]).toMatchObject({ endpoint_id: V2V, metadata: { status: 'active', category: 'video-to-video' }, openapi: { openapi: '3.0.4' } })

    const prices = await get(`/v1/models/pricing?endpoint_id=${encodeURIComponent(`${V2V},${REF}`)}`)
    expect(await prices.json()).toEqual({ prices: [{ endpoint_id: V2V, unit_price: 0.0018, unit: 'megapixels', currency: 'USD' }], next_cursor: null, has_more: false })
  })

  it('requires a key for pricing, refuses a wrong one anywhere, and answers errors as fal does', async () => {
    const anonymous = await get(`/v1/models/pricing?endpoint_id=${encodeURIComponent(V2V)}`, null)
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toEqual({ error: { type: 'authorization_error', message: 'Authentication required' } })
    expect((await get('/v1/models', 'Key wrong')).status).toBe(401)
    expect((await get('/v1/models', 'Bearer x')).status).toBe(401)
    expect((await get('/v1/models', null)).status).toBe(200)
    const missing = await get('/v1/models/pricing')
    expect(missing.status).toBe(400)
    expect(await missing.json()).toMatchObject({ error: { type: 'validation_error' } })
    expect((await get('/v1/apps')).status).toBe(404)
  })

  it('refuses a control body that is not one, and keeps what was set', () => {
    control({ unlisted: [PRO] })
    expect(applyPlatformControl({ unlisted: 'all' })).toMatchObject({ ok: false })
    expect(applyPlatformControl({ surprise: true })).toMatchObject({ ok: false })
    expect(platformOverrides().unlisted).toEqual([PRO])
    control({ reset: true })
    expect(platformOverrides().unlisted).toEqual([])
  })
})

describe('the playground page’s notice', () => {
  it('says the endpoint may have been retired, and why', () => {
    const html = renderToStaticMarkup(createElement(RetiredNotice, { note: { status: 'unlisted', noticed: '2026-03-04' } }))
    expect(html).toContain('This endpoint may have been retired')
    expect(html).toContain('fal no longer lists it (first seen on 2026-03-04)')
    const deprecated = renderToStaticMarkup(createElement(RetiredNotice, { note: { status: 'deprecated', noticed: '2026-03-04' } }))
    expect(deprecated).toContain('fal lists it as deprecated (since 2026-03-04)')
  })
})
