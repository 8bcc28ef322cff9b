import { expect, test } from '@playwright/test'
import { catalog } from '@/lib/endpoints'
import { EXAMPLE_MEDIA, type ExampleMediaKind } from '@/lib/endpoints/example-media'
import { compileSchema } from '@/lib/schema'
import { backendControl } from './backend'
import { expectPlayableResult, shownPayload, tagPage } from './takes'

/**
 * "Load example" on every endpoint, on the local simulator (this server has no fal key): the example
 * names the studio's own example media, nothing is fetched from outside the studio, and Run ends in a
 * playable video.
 */
for (const endpoint of catalog.endpoints) {
  test(`${endpoint.id}: Load example, Run, a playable result — offline`, async ({ page, request, baseURL }, testInfo) => {
    // A full-size render (LTX-2 Pro's example is 6 s of 1080p) on a busy two-core machine.
    test.setTimeout(240_000)
    const tag = `example-${testInfo.testId}`
    await tagPage(page, tag)
    const studio = new URL(baseURL!).origin
    const outside: string[] = []
    page.on('request', (sent) => {
      const url = new URL(sent.url())
      if (url.protocol.startsWith('http') && url.origin !== studio) outside.push(sent.url())
    })

    await page.goto(`/models/${endpoint.id}`)
    await expect(page.getByRole('heading', { level: 1, name: endpoint.title })).toBeVisible()
    await page.getByRole('button', { name: 'Load example' }).click()

    const { fields } = compileSchema(endpoint.input)
    const media = fields.filter((field) => field.kind === 'media' && typeof endpoint.example[field.name] === 'string')
    expect(media.length).toBeGreaterThan(0)
    await expect(page.getByLabel('Prompt', { exact: true })).toHaveValue(String(endpoint.example.prompt))
    for (const field of media) {
      if (field.kind !== 'media') continue
      const { fileId, fileName } = EXAMPLE_MEDIA[field.media as ExampleMediaKind]
      await expect(page.getByLabel(field.label, { exact: true })).toHaveValue(`${studio}/api/local-fal/files/${fileId}/${fileName}`)
    }
    const payload = await shownPayload(page)
    if ('loras' in endpoint.example) expect(payload.loras).toEqual(endpoint.example.loras)

    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(page.getByTestId('take-status')).toHaveText('Completed', { timeout: 200_000 })
    await expect(page.getByTestId('take-error')).toHaveCount(0)
    await expectPlayableResult(page)
    expect((await backendControl(request)).counters.submitsByTag[tag]).toBe(1)
    expect(outside).toEqual([])
  })
}

test('a model page may show the examples’ media hosts, for the fal examples', async ({ page }) => {
  const response = await page.goto(`/models/${catalog.endpoints[0]!.id}`)
  const policy = response!.headers()['content-security-policy'] ?? ''
  const mediaSrc = policy.split('; ').find((directive) => directive.startsWith('media-src ')) ?? ''
  const origins = new Set(
    catalog.endpoints.flatMap((endpoint) =>
      Object.entries(endpoint.example)
        .filter(([name, value]) => name.endsWith('_url') && typeof value === 'string')
        .map(([, value]) => new URL(String(value)).origin),
    ),
  )
  expect(origins.size).toBeGreaterThan(0)
  for (const origin of origins) expect(mediaSrc.split(' ')).toContain(origin)
})
