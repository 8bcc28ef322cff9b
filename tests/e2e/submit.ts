import { expect, type APIRequestContext } from '@playwright/test'
import { createFalClient } from '@fal-ai/client'
import { readFileSync } from 'node:fs'
import { catalog } from '@/lib/endpoints'
import type { Payload } from '@/lib/schema'
import { FINISHED_STATUSES } from '@/lib/takes/take-status'
import type { TakeView } from '@/lib/takes/take-view'
import { FIXTURES, fixturePath } from '../fixtures/media'
import { TAG_HEADER } from './takes'

/** Endpoints that need only a prompt and one video: the quickest takes to make. */
export const V2V = catalog.find('fal-ai/ltx-2-19b/video-to-video')!
export const V2V_23 = catalog.find('fal-ai/ltx-2.3-22b/video-to-video')!

/** Uploads the generated clip through the studio's proxy, as the browser's fal client does; its URL. */
export async function uploadClip(baseURL: string): Promise<string> {
  const fal = createFalClient({ proxyUrl: { url: `${baseURL}/api/fal/proxy`, when: 'always' } as never })
  const { file, type } = FIXTURES.video
  return fal.storage.upload(new File([readFileSync(fixturePath('video'))], file, { type }))
}

/** A text unique to one test, to find its takes among everyone else's (search, prompts). */
export function marker(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
}

/** Submits a take through the proxy (the studio records it and follows it); the take's id. */
export async function submitTake(request: APIRequestContext, endpointId: string, input: Payload, tag?: string): Promise<string> {
  const response = await request.post('/api/fal/proxy', {
    headers: { 'x-fal-target-url': `https://queue.fal.run/${endpointId}`, ...(tag ? { [TAG_HEADER]: tag } : {}) },
    data: input,
  })
  expect(response.status(), await response.text()).toBe(200)
  const { take_id: takeId } = (await response.json()) as { take_id?: unknown }
  expect(typeof takeId).toBe('string')
  return takeId as string
}

/** The take once the server has followed it to its end (long-polling the take API). */
export async function finishedTake(request: APIRequestContext, id: string): Promise<TakeView> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const response = await request.get(`/api/takes/${id}?wait=1`, { timeout: 30_000 })
    expect(response.status()).toBe(200)
    const take = (await response.json()) as TakeView
    if (FINISHED_STATUSES.has(take.status)) return take
    if (Date.now() > deadline) throw new Error(`take ${id} is still ${take.status}`)
  }
}

/** Submits a take of `prompt` on `endpoint` with the clip and waits for its end. */
export async function makeTake(
  request: APIRequestContext,
  videoUrl: string,
  prompt: string,
  { endpointId = V2V.id, tag }: { endpointId?: string; tag?: string } = {},
): Promise<TakeView> {
  return finishedTake(request, await submitTake(request, endpointId, { prompt, video_url: videoUrl }, tag))
}
