import { expect, type APIRequestContext, type Page } from '@playwright/test'
import type { Endpoint } from '@/lib/endpoints'
import type { InputMediaFacts } from '@/lib/generation/output-shape'
import { mediaRoleOf } from '@/lib/generation/output-shape'
import { compileSchema, type Payload } from '@/lib/schema'
import { estimateTake, pricedEndpoint } from '@/lib/pricing'
import { fixturePath } from '../fixtures/media'
import { mediaFactsOf } from '../fixtures/probe'
import { backendControl } from './backend'
import { dropFile, fieldFrame } from './helpers'

export const TAG_HEADER = 'x-fal-takes-test-tag'

/** Marks every request the page makes with `tag`, so the backend counts and faults this test alone. */
export async function tagPage(page: Page, tag: string) {
  await page.setExtraHTTPHeaders({ [TAG_HEADER]: tag })
}

/** Fills the prompt and drops a generated file on every required media field; waits for the uploads. */
export async function fillRequired(page: Page, endpoint: Endpoint, prompt: string) {
  const { fields } = compileSchema(endpoint.input)
  await page.getByLabel('Prompt', { exact: true }).fill(prompt)
  for (const field of fields) {
    if (field.kind !== 'media' || !field.required || field.media === 'file') continue
    await dropFile(page, field.name, field.media)
    // The first upload loads the fal client too: on a loaded machine that takes more than a moment.
    await expect(fieldFrame(page, field.name).getByText(/Local file: .* — uploaded/)).toBeVisible({ timeout: 20_000 })
  }
}

/** The request the form shows (the exact payload: uploaded media are URLs, not data URIs). */
export async function shownPayload(page: Page): Promise<Payload> {
  return JSON.parse(await page.getByTestId('payload').innerText()) as Payload
}

/** lib/pricing's estimate for a payload whose media are the generated fixtures. */
export function expectedEstimate(endpoint: Endpoint, payload: Payload) {
  const media: InputMediaFacts = {}
  for (const [field, value] of Object.entries(payload)) {
    const role = mediaRoleOf(field)
    if (role && typeof value === 'string' && value) media[role] = mediaFactsOf(fixturePath(role))
  }
  return estimateTake(pricedEndpoint(endpoint, compileSchema(endpoint.input)), payload, media)
}

/**
 * Occupies both local runners with two slow takes of `payload`, submitted through the proxy under
 * their own tag, so the next take waits in the queue.
 */
export async function occupyRunners(request: APIRequestContext, endpoint: Endpoint, payload: Payload, tag: string) {
  await backendControl(request, { tag, faults: { slowRunsMs: 6000 } })
  for (let i = 0; i < 2; i++) {
    const response = await request.post('/api/fal/proxy', {
      headers: { 'x-fal-target-url': `https://queue.fal.run/${endpoint.id}`, [TAG_HEADER]: tag },
      data: payload,
    })
    expect(response.status(), await response.text()).toBe(200)
  }
}

export async function expectPlayableResult(page: Page) {
  const video = page.getByTestId('result-video')
  await expect(video).toBeVisible()
  await expect
    .poll(() => video.evaluate((element: HTMLVideoElement) => ({ ready: element.readyState >= 2, duration: element.duration > 0 })))
    .toEqual({ ready: true, duration: true })
}
