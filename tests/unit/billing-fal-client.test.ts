import { afterEach, describe, expect, it, vi } from 'vitest'
import { BILLABLE_UNITS_HEADER, falResult, serverFalClient } from '@/lib/fal/server-client'

// The server's fal client hears fal's x-fal-billable-units on the result answer, which
// @fal-ai/client's queue.result drops: through the client's own fetch, per result call.

const V2V = 'fal-ai/ltx-2-19b/video-to-video'
const FAL_MODE: NodeJS.ProcessEnv = { NODE_ENV: 'test', FAL_KEY: 'test-key' }

interface Answer {
  status?: number
  body: unknown
  units?: string
}

/** fal, as the server client's fetch reaches it: each request id answers its queue of answers in turn. */
function fal(answers: Record<string, Answer[]>) {
  const seen: string[] = []
  vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
    const url = String(input)
    seen.push(url)
    const id = /\/requests\/([^/?]+)/.exec(url)?.[1] ?? ''
    const answer = answers[id]?.shift()
    if (!answer) return new Response(JSON.stringify({ detail: 'Request not found' }), { status: 404, headers: { 'content-type': 'application/json' } })
    // Two calls in flight at once, each answered after the other has started.
    await new Promise((resolve) => setTimeout(resolve, 20))
    const headers = new Headers({ 'content-type': 'application/json', 'x-fal-request-id': id })
    if (answer.units !== undefined) headers.set(BILLABLE_UNITS_HEADER, answer.units)
    return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200, headers })
  })
  return seen
}

afterEach(() => {
  vi.unstubAllGlobals()
})

const OUTPUT = { video: { url: 'https://v3.fal.media/files/x/out.mp4', width: 1280, height: 720, num_frames: 121 } }

describe('falResult on the server fal client', () => {
  it('returns the output with the units fal billed, from fal’s queue host', async () => {
    const seen = fal({ 'req-1': [{ body: OUTPUT, units: '112' }] })
    const answer = await falResult(serverFalClient(FAL_MODE), V2V, { requestId: 'req-1' })
    expect(answer).toEqual({ ok: true, data: OUTPUT, billableUnits: 112 })
    expect(seen).toEqual(['https://queue.fal.run/fal-ai/ltx-2-19b/requests/req-1'])
  })

  it('says none when fal sent no units, or units it cannot read', async () => {
    fal({ 'req-1': [{ body: OUTPUT }], 'req-2': [{ body: OUTPUT, units: 'twelve' }] })
    const client = serverFalClient(FAL_MODE)
    expect(await falResult(client, V2V, { requestId: 'req-1' })).toEqual({ ok: true, data: OUTPUT, billableUnits: null })
    expect(await falResult(client, V2V, { requestId: 'req-2' })).toEqual({ ok: true, data: OUTPUT, billableUnits: null })
  })

  it('keeps each call’s units apart when results are fetched at once', async () => {
    fal({ a: [{ body: { n: 'a' }, units: '10' }], b: [{ body: { n: 'b' }, units: '20' }], c: [{ body: { n: 'c' } }] })
    const client = serverFalClient(FAL_MODE)
    const answers = await Promise.all(['a', 'b', 'c'].map((requestId) => falResult(client, V2V, { requestId })))
    expect(answers).toEqual([
      { ok: true, data: { n: 'a' }, billableUnits: 10 },
      { ok: true, data: { n: 'b' }, billableUnits: 20 },
      { ok: true, data: { n: 'c' }, billableUnits: null },
    ])
  })

  it('an error answer comes back as the error the client threw, with the units fal stated on it', async () => {
    const detail = [{ loc: ['body', 'prompt'], msg: 'bad prompt', type: 'value_error' }]
    fal({ 'req-1': [{ status: 422, body: { detail }, units: '0' }] })
    const answer = await falResult(serverFalClient(FAL_MODE), V2V, { requestId: 'req-1' })
    expect(answer).toMatchObject({ ok: false, billableUnits: 0, error: { name: 'ValidationError', status: 422 } })
  })

  it('after the client’s own retry, the answer that ended the call is the one that counts', async () => {
    fal({ 'req-1': [{ status: 503, body: { detail: 'busy' }, units: '999' }, { body: OUTPUT, units: '112' }] })
    const answer = await falResult(serverFalClient(FAL_MODE), V2V, { requestId: 'req-1' })
    expect(answer).toEqual({ ok: true, data: OUTPUT, billableUnits: 112 })
  }, 20_000)

  it('other calls of the client note nothing and are unchanged', async () => {
    fal({ 'req-1': [{ body: { status: 'COMPLETED', request_id: 'req-1' }, units: '5' }] })
    const status = await serverFalClient(FAL_MODE).queue.status(V2V, { requestId: 'req-1' })
    expect(status).toMatchObject({ status: 'COMPLETED' })
  })
})
