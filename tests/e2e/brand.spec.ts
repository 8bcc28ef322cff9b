import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import { catalog } from '@/lib/endpoints'
import { startStudio } from './server'

/** The studio's brand files in public/ (scripts/make-brand-images.mjs), as the production server serves them. */
const OG_IMAGE = { width: 1200, height: 630 }
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** A PNG's width and height, read from its IHDR chunk (the first, right after the signature). */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE), 'a PNG signature').toBe(true)
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR')
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

/** The sizes an ICO holds, each entry checked to be a PNG of that size inside the file. */
function icoSizes(bytes: Buffer): number[] {
  expect(bytes.readUInt16LE(0), 'ICO reserved word').toBe(0)
  expect(bytes.readUInt16LE(2), 'ICO type: icon').toBe(1)
  const count = bytes.readUInt16LE(4)
  return Array.from({ length: count }, (_, index) => {
    const entry = 6 + 16 * index
    const size = bytes.readUInt8(entry) || 256
    const length = bytes.readUInt32LE(entry + 8)
    const offset = bytes.readUInt32LE(entry + 12)
    expect(offset + length).toBeLessThanOrEqual(bytes.length)
    expect(pngSize(bytes.subarray(offset, offset + length))).toEqual({ width: size, height: size })
    return size
  })
}

const meta = (page: Page, key: string) => page.locator(`meta[property="${key}"], meta[name="${key}"]`).first()

async function expectImage(request: APIRequestContext, url: string, type: RegExp) {
  const response = await request.get(url)
  expect(response.status(), url).toBe(200)
  expect(response.headers()['content-type'], url).toMatch(type)
  return response.body()
}

test('the favicon, the SVG icon and the Open Graph image are served', async ({ request }) => {
  const favicon = await expectImage(request, '/favicon.ico', /^image\/(x-icon|vnd\.microsoft\.icon)/)
  expect(icoSizes(favicon)).toEqual(expect.arrayContaining([16, 32]))

  const svg = await expectImage(request, '/icon.svg', /^image\/svg\+xml/)
  expect(svg.toString('utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)

  const touch = await expectImage(request, '/apple-touch-icon.png', /^image\/png/)
  expect(pngSize(touch)).toEqual({ width: 180, height: 180 })

  const og = await expectImage(request, '/og.png', /^image\/png/)
  expect(pngSize(og)).toEqual(OG_IMAGE)
  // Small enough for every unfurler (several cap images at a few hundred kB).
  expect(og.length).toBeLessThan(200 * 1024)
})

const endpoint = catalog.endpoints[0]!
for (const [name, path] of [
  ['the home page', '/'],
  [`a model page (${endpoint.id})`, `/models/${endpoint.id}`],
] as const) {
  test(`${name} links its icons and a default og:image on the studio's origin`, async ({ page, request, baseURL }) => {
    const violations: string[] = []
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
    })
    await page.goto(path)
    await expect(page.locator('main')).toBeVisible()

    const icons = page.locator('link[rel="icon"]')
    await expect(icons.first()).toBeAttached()
    const iconHrefs = await icons.evaluateAll((links) => links.map((link) => (link as HTMLLinkElement).href))
    expect(iconHrefs).toEqual(expect.arrayContaining([`${baseURL}/favicon.ico`, `${baseURL}/icon.svg`]))
    for (const href of iconHrefs) await expectImage(request, href, /^image\//)
    await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveAttribute('href', '/apple-touch-icon.png')

    const ogImage = await meta(page, 'og:image').getAttribute('content')
    expect(ogImage, 'an absolute URL on the studio').toBe(`${baseURL}/og.png`)
    await expect(meta(page, 'og:image:width')).toHaveAttribute('content', String(OG_IMAGE.width))
    await expect(meta(page, 'og:image:height')).toHaveAttribute('content', String(OG_IMAGE.height))
    await expect(meta(page, 'twitter:card')).toHaveAttribute('content', 'summary_large_image')
    await expect(meta(page, 'twitter:image')).toHaveAttribute('content', `${baseURL}/og.png`)
    expect(pngSize(await expectImage(request, ogImage!, /^image\/png/))).toEqual(OG_IMAGE)

    // The page's own Content-Security-Policy lets it show the image (as a page of the studio would).
    const shown = await page.evaluate(
      (src) =>
        new Promise<{ width: number; height: number } | string>((resolve) => {
          const image = new Image()
          image.onload = () => resolve({ width: image.naturalWidth, height: image.naturalHeight })
          image.onerror = () => resolve('did not load')
          image.src = src
        }),
      ogImage!,
    )
    expect(shown).toEqual(OG_IMAGE)
    expect(violations).toEqual([])
  })
}

test('with TAKES_PUBLIC_URL, og:image names the public origin, not the address the request came in on', async ({}, testInfo) => {
  const publicUrl = 'https://takes.example.test'
  const port = Number(process.env.E2E_PORT ?? 3100) + 17
  const studio = await startStudio(port, { TAKES_BACKEND: 'local', TAKES_DATA_DIR: testInfo.outputPath('data'), TAKES_PUBLIC_URL: publicUrl })
  try {
    const html = await (await fetch(`${studio.url}/`)).text()
    const content = (property: string) => html.match(new RegExp(`<meta (?:property|name)="${property}" content="([^"]*)"`))?.[1]
    expect(content('og:image')).toBe(`${publicUrl}/og.png`)
    expect(content('twitter:image')).toBe(`${publicUrl}/og.png`)
    // Icons stay relative: the browser loads them from wherever it reached the studio.
    expect(html).toContain('<link rel="icon" href="/favicon.ico"')
  } finally {
    await studio.kill()
  }
})
