import { expect, test } from '@playwright/test'
import { createFalClient, type FalClient } from '@fal-ai/client'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { catalog } from '@/lib/endpoints'
import { mediaRoleOf } from '@/lib/generation/output-shape'
import type { Payload } from '@/lib/schema'
import { FIXTURES, fixturePath, type FixtureKind } from '../fixtures/media'
import { probe } from '../fixtures/probe'
import { backendControl } from './backend'
import { expandPrompt } from '@/lib/local-fal/prompt-expansion'

/** What each endpoint must produce for its seed example with the generated fixtures (320×192, 25 fps, 2 s). */
const EXPECTED: Record<string, { width: number; height: number; frames: number; fps: number; audio: boolean }> = {
  'fal-ai/ltx-2-19b/video-to-video': { width: 320, height: 192, frames: 49, fps: 25, audio: true },
  'fal-ai/ltx-2-19b/distilled/audio-to-video/lora': { width: 1024, height: 768, frames: 49, fps: 25, audio: true },
  'fal-ai/ltx-2.3-22b/video-to-video': { width: 320, height: 192, frames: 49, fps: 25, audio: true },
  'fal-ai/ltx-2/image-to-video': { width: 1920, height: 1080, frames: 150, fps: 25, audio: true },
  'fal-ai/ltx-2.3-22b/distilled/reference-video-to-video/lora': { width: 320, height: 192, frames: 49, fps: 25, audio: true },
}

function clientFor(baseURL: string): FalClient {
  return createFalClient({ proxyUrl: { url: `${baseURL}/api/fal/proxy`, when: 'always' } as never })
}

async function upload(fal: FalClient, kind: FixtureKind): Promise<string> {
  const { file, type } = FIXTURES[kind]
  return fal.storage.upload(new File([readFileSync(fixturePath(kind))], file, { type }))
}

test.describe.configure({ mode: 'serial' })

for (const endpoint of catalog.endpoints) {
  test(`${endpoint.id}: upload, submit, follow by polling and streaming, result`, async ({ baseURL }, testInfo) => {
    test.setTimeout(120_000)
    const fal = clientFor(baseURL!)
    const takesSeed = 'seed' in (endpoint.input.properties ?? {})
    const input: Payload = { ...endpoint.example, prompt: `a take for ${endpoint.id}`, ...(takesSeed ? { seed: 42 } : {}) }
    for (const field of Object.keys(input)) {
      const role = mediaRoleOf(field)
      if (role) input[field] = await upload(fal, role)
    }
    expect(String(input.video_url ?? input.image_url)).toMatch(/^http:\/\/[^/]+\/api\/local-fal\/files\/[a-f0-9-]{36}\//)

    const { request_id: requestId } = await fal.queue.submit(endpoint.id, { input })
    const polled: string[] = []
    const streamed: string[] = []
    const [byPolling, byStreaming] = await Promise.all([
      fal.queue.subscribeToStatus(endpoint.id, { requestId, logs: true, mode: 'polling', pollInterval: 200, onQueueUpdate: (u) => polled.push(u.status) }),
      fal.queue.subscribeToStatus(endpoint.id, { requestId, logs: true, mode: 'streaming', onQueueUpdate: (u) => streamed.push(u.status) }),
    ])
    expect(byPolling.status).toBe('COMPLETED')
    expect(byStreaming.status).toBe('COMPLETED')
    expect(streamed).toContain('IN_PROGRESS')
    expect(polled.at(-1)).toBe('COMPLETED')
    const completed = byPolling as unknown as { metrics: { inference_time: number }; logs: { message: string; timestamp: string }[] }
    expect(completed.metrics.inference_time).toBeGreaterThan(0)
    expect(completed.logs.length).toBeGreaterThan(3)
    expect(Date.parse(completed.logs[0]!.timestamp)).not.toBeNaN()

    const result = await fal.queue.result(endpoint.id, { requestId })
    expect(result.requestId).toBe(requestId)
    const data = result.data as { video: Record<string, unknown>; seed?: number; prompt?: string }
    const expected = EXPECTED[endpoint.id]!
    expect(data.video).toMatchObject({ content_type: 'video/mp4', width: expected.width, height: expected.height, num_frames: expected.frames, fps: expected.fps })
    if ('seed' in (endpoint.output.properties ?? {})) expect(data).toMatchObject({ seed: 42, prompt: input.enable_prompt_expansion === false ? input.prompt : expandPrompt(String(input.prompt)) })

    const response = await fetch(String(data.video.url))
    expect(response.status).toBe(200)
    const file = testInfo.outputPath(`${path.basename(endpoint.id)}.mp4`)
    writeFileSync(file, new Uint8Array(await response.arrayBuffer()))
    const probed = probe(file)
    expect(probed).toMatchObject({ width: expected.width, height: expected.height, frames: expected.frames, fps: expected.fps, videoCodec: 'h264' })
    expect(probed.audioCodec).toBe(expected.audio ? 'aac' : undefined)
  })
}

test('the output follows generate_audio: no audio stream when it is off', async ({ baseURL }, testInfo) => {
  const fal = clientFor(baseURL!)
  const endpoint = catalog.find('fal-ai/ltx-2/image-to-video')!
  const image = await upload(fal, 'image')
  const output = await fal.subscribe(endpoint.id, {
    input: { prompt: 'quiet', image_url: image, generate_audio: false, resolution: '1080p', duration: 6, fps: 25 },
    pollInterval: 200,
  })
  const file = testInfo.outputPath('silent.mp4')
  writeFileSync(file, new Uint8Array(await (await fetch((output.data as { video: { url: string } }).video.url)).arrayBuffer()))
  expect(probe(file).audioCodec).toBeUndefined()
})

test('a queued request can be cancelled', async ({ baseURL, request }) => {
  const fal = clientFor(baseURL!)
  const endpoint = catalog.find('fal-ai/ltx-2-19b/video-to-video')!
  const video = await upload(fal, 'video')
  await backendControl(request, { faults: { delayMs: 0 } })
  const ids = []
  for (let i = 0; i < 3; i++) {
    ids.push((await fal.queue.submit(endpoint.id, { input: { prompt: `queued ${i}`, video_url: video } })).request_id)
  }
  const last = ids.at(-1)!
  const queued = await fal.queue.status(endpoint.id, { requestId: last })
  expect(queued.status).toBe('IN_QUEUE')
  expect((queued as { queue_position: number }).queue_position).toBeGreaterThanOrEqual(0)
  await fal.queue.cancel(endpoint.id, { requestId: last })
  const after = (await fal.queue.status(endpoint.id, { requestId: last })) as unknown as { status: string; error_type?: string }
  expect(after).toMatchObject({ status: 'COMPLETED', error_type: 'client_cancelled' })
  await expect(fal.queue.result(endpoint.id, { requestId: last })).rejects.toMatchObject({ status: 499 })
  for (const id of ids.slice(0, -1)) {
    await fal.queue.subscribeToStatus(endpoint.id, { requestId: id, mode: 'polling', pollInterval: 200 })
  }
})
