import { expect, test } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import { backendControl } from './backend'

const PROXY = '/api/fal/proxy'
const V2V = 'fal-ai/ltx-2-19b/video-to-video'
const VALID = { prompt: 'a cowboy', video_url: 'https://example.com/in.mp4' }

/** Each test tags its calls; the backend counts calls per tag, so tests in parallel do not mix. */
async function callsTagged(request: Parameters<typeof backendControl>[0], tag: string) {
  return (await backendControl(request)).counters.tagged[tag] ?? 0
}

const refusals: { name: string; method: 'get' | 'post' | 'put'; target?: string; data?: unknown; status: number; headers?: Record<string, string> }[] = [
  { name: 'an endpoint outside the catalog', method: 'post', target: 'https://queue.fal.run/fal-ai/flux-pro/v1.1-ultra', data: { prompt: 'x' }, status: 403 },
  { name: 'a sync run on fal.run', method: 'post', target: `https://fal.run/${V2V}`, data: VALID, status: 403 },
  { name: 'a host outside fal', method: 'post', target: `https://evil.example.com/${V2V}`, data: VALID, status: 403 },
  { name: 'a look-alike host', method: 'post', target: `https://queue.fal.run.evil.example.com/${V2V}`, data: VALID, status: 403 },
  { name: 'userinfo in the target', method: 'post', target: `https://queue.fal.run@evil.example.com/${V2V}`, data: VALID, status: 403 },
  { name: 'userinfo before the fal host', method: 'post', target: `https://user:pass@queue.fal.run/${V2V}`, data: VALID, status: 403 },
  { name: 'a .. path into another endpoint', method: 'post', target: `https://queue.fal.run/${V2V}/../../flux-pro`, data: VALID, status: 403 },
  { name: 'an encoded .. path', method: 'post', target: `https://queue.fal.run/${V2V}/%2e%2e/%2e%2e/flux-pro`, data: VALID, status: 403 },
  { name: 'plain http', method: 'post', target: `http://queue.fal.run/${V2V}`, data: VALID, status: 403 },
  { name: 'a non-default port', method: 'post', target: `https://queue.fal.run:8443/${V2V}`, data: VALID, status: 403 },
  { name: 'status of an app outside the catalog', method: 'get', target: 'https://queue.fal.run/fal-ai/flux-pro/requests/0123456789abcdef/status', status: 403 },
  { name: 'a missing target header', method: 'post', data: VALID, status: 403 },
  { name: 'a GET on a submit URL', method: 'get', target: `https://queue.fal.run/${V2V}`, status: 405 },
  { name: 'a body that is not JSON', method: 'post', target: `https://queue.fal.run/${V2V}`, data: 'not json', status: 422 },
]

for (const refusal of refusals) {
  test(`refuses ${refusal.name} without reaching the backend`, async ({ request }) => {
    const tag = randomUUID()
    const response = await request[refusal.method](PROXY, {
      headers: {
        ...(refusal.target ? { 'x-fal-target-url': refusal.target } : {}),
        'content-type': 'application/json',
        'x-fal-takes-test-tag': tag,
        ...refusal.headers,
      },
      data: refusal.data,
    })
    expect(response.status()).toBe(refusal.status)
    expect(await callsTagged(request, tag)).toBe(0)
  })
}

test('refuses a body that fails the schema with a 422 naming the field, before the backend', async ({ request }) => {
  const tag = randomUUID()
  const response = await request.post(PROXY, {
    headers: { 'x-fal-target-url': `https://queue.fal.run/${V2V}`, 'x-fal-takes-test-tag': tag },
    data: { ...VALID, num_frames: 999 },
  })
  expect(response.status()).toBe(422)
  const body = (await response.json()) as { detail: { loc: string[]; msg: string; type: string }[] }
  expect(body.detail).toEqual([expect.objectContaining({ loc: ['body', 'num_frames'], msg: expect.stringContaining('Number of Frames') })])
  expect(await callsTagged(request, tag)).toBe(0)
})

test('a valid submit through the proxy reaches the backend exactly once', async ({ request }) => {
  const tag = randomUUID()
  const response = await request.post(PROXY, {
    headers: { 'x-fal-target-url': `https://queue.fal.run/${V2V}`, 'x-fal-takes-test-tag': tag, authorization: 'Key someone-elses-key' },
    data: VALID,
  })
  expect(response.status()).toBe(200)
  expect(await callsTagged(request, tag)).toBe(1)
})
