import { expect, test } from '@playwright/test'
import { catalog } from '@/lib/endpoints'
import { exampleInput } from '@/lib/endpoints/examples'
import { compileSchema, type FieldDescriptor, type NumberField } from '@/lib/schema'
import { dropFile, expectFieldShows, fieldFrame, openAdditionalSettings } from './helpers'
import { EXPECTED_FIELD_COUNTS } from '../fixtures/field-counts'

test('GET /api/endpoints lists the five endpoints with their input properties', async ({ request }) => {
  const response = await request.get('/api/endpoints')
  expect(response.status()).toBe(200)
  const endpoints = (await response.json()) as { id: string; title: string; category: string; input: { properties: object }; output: { properties: object } }[]
  expect(Object.fromEntries(endpoints.map((e) => [e.id, Object.keys(e.input.properties).length]))).toEqual(EXPECTED_FIELD_COUNTS)
  for (const endpoint of endpoints) {
    expect(endpoint.title).toBeTruthy()
    expect(endpoint.category).toBeTruthy()
    expect(Object.keys(endpoint.output.properties)).toContain('video')
  }
})

test('the home page lists every endpoint with its price', async ({ page }) => {
  await page.goto('/')
  const items = page.getByRole('list', { name: 'Endpoints' }).getByRole('listitem')
  await expect(items).toHaveCount(5)
  for (const endpoint of catalog.endpoints) {
    const item = items.filter({ hasText: endpoint.id })
    await expect(item.getByRole('heading', { name: endpoint.title })).toBeVisible()
    await expect(item.getByText(endpoint.category, { exact: true })).toBeVisible()
    await expect(item.getByTestId('price-line')).toContainText('$')
  }
  await expect(items.filter({ hasText: 'reference-video-to-video' }).getByTestId('price-line')).toContainText('estimate')
})

test('an unknown model id is a 404 page', async ({ page }) => {
  const response = await page.goto('/models/fal-ai/not-a-model')
  expect(response?.status()).toBe(404)
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible()
})

for (const endpoint of catalog.endpoints) {
  const { fields } = compileSchema(endpoint.input)

  test.describe(endpoint.id, () => {
    test.beforeEach(async ({ page }) => {
      await page.goto(`/models/${endpoint.id}`)
      await expect(page.getByRole('heading', { level: 1, name: endpoint.title })).toBeVisible()
    })

    test('renders one labelled control per input field', async ({ page }) => {
      await openAdditionalSettings(page)
      const topLevel = page.locator('[data-field]:not([data-field*="."])')
      await expect(topLevel).toHaveCount(EXPECTED_FIELD_COUNTS[endpoint.id]!)
      for (const field of fields) {
        const control = page.getByLabel(field.label, { exact: true })
        await expect(control, field.name).toHaveCount(1)
        await expect(control, field.name).toBeVisible()
        await expect(fieldFrame(page, field.name).getByText(field.name, { exact: true })).toBeVisible()
      }
    })

    test("Load example puts the seed's values in the fields; Reset restores the defaults", async ({ page }) => {
      await page.getByRole('button', { name: 'Load example' }).click()
      await openAdditionalSettings(page)
      // Local mode: the seed's example, its media swapped for the studio's own example files.
      const loaded = exampleInput({ example: endpoint.example, fields }, 'local', new URL(page.url()).origin)
      for (const [name, value] of Object.entries(loaded)) {
        const field = fields.find((f) => f.name === name)!
        await expectFieldShows(page, field, value)
      }
      await page.getByRole('button', { name: 'Reset to defaults' }).click()
      const prompt = fields.find((f) => f.name === 'prompt')!
      await expectFieldShows(page, prompt, '')
      const payload = JSON.parse((await page.getByTestId('payload').textContent()) ?? '{}') as object
      expect(Object.keys(payload).sort()).toEqual([...(endpoint.input.required ?? [])].sort())
    })

    test('an invalid value is named on its field and blocks Run', async ({ page }) => {
      await page.getByRole('button', { name: 'Load example' }).click()
      // The example is fetched on the click: the form holds it before anything else is changed.
      await expect(page.getByLabel(fields.find((f) => f.name === 'prompt')!.label, { exact: true })).not.toHaveValue('')
      const bounded = fields.find(
        (f): f is NumberField => f.kind === 'number' && f.max !== undefined && f.group === 'additional',
      )
      const target: FieldDescriptor = bounded ?? fields.find((f) => f.kind === 'media' && f.required)!
      const bad = bounded ? String(bounded.max! + (bounded.integer ? 1 : 0.5)) : 'not a url'
      await openAdditionalSettings(page)
      const control = page.getByLabel(target.label, { exact: true })
      await control.fill(bad)
      // Collapse the section: Run must open it again to show the error.
      if (bounded) await page.locator('summary', { hasText: 'Additional settings' }).click()
      await page.getByRole('button', { name: 'Run', exact: true }).click()
      const error = fieldFrame(page, target.name).getByRole('alert')
      await expect(error).toBeVisible()
      await expect(error).toContainText(target.label)
      const clientMessage = await error.innerText()
      await expect(fieldFrame(page, target.name).getByText(clientMessage, { exact: true })).toHaveCount(1)
      await expect(control).toHaveAttribute('aria-invalid', 'true')
      await expect(control).toBeFocused()
      await expect(page.getByTestId('take-status')).toHaveCount(0)

      const good = bounded ? String(bounded.max) : 'https://example.com/input.mp4'
      await control.fill(good)
      await page.getByRole('button', { name: 'Run', exact: true }).click()
      // Valid now: the take is submitted, and the form's own error is gone. (The backend may still
      // refuse the placeholder URL later, as fal would, which lands on the field as fal's 422.)
      await expect(page.getByTestId('take-status')).toBeVisible()
      await expect(fieldFrame(page, target.name).getByText(clientMessage, { exact: true })).toHaveCount(0)
    })

    test('a local file dropped on each media field is uploaded and shows a playable preview', async ({ page }) => {
      const media = fields.filter((f) => f.kind === 'media')
      expect(media.length).toBeGreaterThan(0)
      for (const field of media) {
        if (field.kind !== 'media' || field.media === 'file') continue
        await dropFile(page, field.name, field.media)
        await expect(fieldFrame(page, field.name).getByText(/Local file: .* — uploaded/)).toBeVisible()
        const preview = page.getByTestId(`preview-${field.name}`)
        await expect(preview).toBeVisible()
        if (field.media === 'image') {
          await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0)
        } else {
          await expect
            .poll(() => preview.evaluate((el: HTMLMediaElement) => (el.readyState >= 1 ? el.duration : 0)))
            .toBeGreaterThan(0)
          if (field.media === 'video') {
            await preview.evaluate((el: HTMLVideoElement) => el.play())
            await expect.poll(() => preview.evaluate((el: HTMLVideoElement) => el.readyState)).toBeGreaterThanOrEqual(2)
            await expect.poll(() => preview.evaluate((el: HTMLVideoElement) => el.currentTime)).toBeGreaterThan(0)
          }
        }
      }
      const payload = JSON.parse((await page.getByTestId('payload').textContent()) ?? '{}') as Record<string, string>
      for (const field of media) {
        if (field.kind === 'media' && field.media !== 'file') {
          expect(payload[field.name]).toMatch(/^http:\/\/[^/]+\/api\/local-fal\/files\/[a-f0-9-]{36}\//)
          const stored = await page.request.get(payload[field.name]!)
          expect(stored.status()).toBe(200)
          expect(stored.headers()['content-type']).toMatch(new RegExp(`^${field.media}/`))
        }
      }
    })
  })
}

test('a failed upload is named on its field and leaves the field as it was', async ({ page }) => {
  const endpoint = catalog.find('fal-ai/ltx-2-19b/video-to-video')!
  await page.goto(`/models/${endpoint.id}`)
  await page.route('**/api/local-fal/files/upload/**', (route) => route.abort('connectionrefused'))
  await dropFile(page, 'video_url', 'video')
  const error = fieldFrame(page, 'video_url').getByRole('alert')
  await expect(error).toContainText('Uploading clip.mp4 failed')
  await expect(page.getByLabel('Video URL', { exact: true })).toHaveValue('')
})

test('the page says which backend answers', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByTestId('backend-badge')).toHaveText('Local simulator — set FAL_KEY to generate with LTX-2')
})
