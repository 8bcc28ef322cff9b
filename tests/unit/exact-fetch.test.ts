import { createFalClient } from '@fal-ai/client'
import { describe, expect, it } from 'vitest'
import { catalog } from '@/lib/endpoints'
import { exactJsonFetch, falInputOf } from '@/lib/fal/exact-fetch'

const FAL_SEED = '1490631192028410600'
const V2V = catalog.find('fal-ai/ltx-2-19b/video-to-video')!

interface Seen {
  url: string
  method: string
  body: string | undefined
}

/** A fal backend answering every call with `answer` (raw JSON text), recording what it was sent. */
function fakeFal(answer: string, status = 200) {
  const seen: Seen[] = []
  const fetchImpl: typeof fetch = async (input, init) => {
    seen.push({ url: String(input), method: init?.method ?? 'GET', body: typeof init?.body === 'string' ? init.body : undefined })
    return new Response(answer, { status, headers: { 'content-type': 'application/json', 'content-length': String(answer.length), 'x-fal-request-id': 'req-1' } })
  }
  return { seen, client: createFalClient({ credentials: 'test-key', fetch: exactJsonFetch(fetchImpl) }) }
}

describe('falInputOf', () => {
  it('marks only integer fields beyond the safe range, and leaves the input as it was', () => {
    const input = { prompt: FAL_SEED, video_url: 'https://x/v.mp4', seed: FAL_SEED, num_frames: 121 }
    const marked = falInputOf(input, V2V.input)
    expect(input.seed).toBe(FAL_SEED)
    expect(marked.prompt).toBe(FAL_SEED)
    expect(marked.num_frames).toBe(121)
    expect(marked.seed).not.toBe(FAL_SEED)
    expect(String(marked.seed).endsWith(FAL_SEED)).toBe(true)
    const small = { prompt: 'x', video_url: 'https://x/v.mp4', seed: 42 }
    expect(falInputOf(small, V2V.input)).toBe(small)
  })
})

describe('the server fal client with exact integers', () => {
  it('submits a 64-bit seed as a raw JSON number, and a digit string in a text field as text', async () => {
    const { seen, client } = fakeFal('{"request_id":"req-1","status":"IN_QUEUE","queue_position":0}')
    const input = { prompt: FAL_SEED, video_url: 'https://x/v.mp4', seed: FAL_SEED }
    const queued = await client.queue.submit(V2V.id, { input: falInputOf(input, V2V.input) })
    expect(queued.request_id).toBe('req-1')
    expect(seen).toHaveLength(1)
    expect(seen[0]!.body).toBe(`{"prompt":"${FAL_SEED}","video_url":"https://x/v.mp4","seed":${FAL_SEED}}`)
  })

  it('reads a result whose seed is beyond 2^53 digit for digit, and a safe one as a number', async () => {
    const { client } = fakeFal(`{"video":{"url":"https://x/o.mp4","width":1280},"seed":${FAL_SEED},"prompt":"${FAL_SEED}"}`)
    const result = await client.queue.result(V2V.id, { requestId: 'req-1' })
    expect(result.data).toEqual({ video: { url: 'https://x/o.mp4', width: 1280 }, seed: FAL_SEED, prompt: FAL_SEED })
    expect(result.requestId).toBe('req-1')
    const safe = fakeFal('{"seed":175932751}')
    expect((await safe.client.queue.result(V2V.id, { requestId: 'req-1' })).data).toEqual({ seed: 175932751 })
  })

  it("keeps fal's refusals as the client reads them", async () => {
    const { client } = fakeFal(JSON.stringify({ detail: [{ loc: ['body', 'seed'], msg: 'bad seed', type: 'value_error' }] }), 422)
    await expect(client.queue.submit(V2V.id, { input: { prompt: 'x', video_url: 'https://x/v.mp4' } })).rejects.toMatchObject({
      status: 422,
      body: { detail: [{ loc: ['body', 'seed'], msg: 'bad seed', type: 'value_error' }] },
    })
  })

  it('leaves answers that are not JSON as they are', async () => {
    const response = new Response('data: {"seed": 1490631192028410600}\n\n', { headers: { 'content-type': 'text/event-stream' } })
    const wrapped = await exactJsonFetch(async () => response)('https://queue.fal.run/x')
    expect(wrapped).toBe(response)
  })
})
