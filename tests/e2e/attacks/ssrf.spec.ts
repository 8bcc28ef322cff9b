import { expect, test, type APIRequestContext } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { StudioProcess } from '../server'
import { backendControl } from '../backend'
import { finishedTake, marker, submitTake, uploadClip, V2V } from '../submit'
import { fixturePath } from '../../fixtures/media'
import { uploadAs } from './media-files'
import { backendCounters, clientWith, loopbackListener, removeDir, signIn, spendShown, startPasswordStudio, submitThroughProxy } from './password-studio'

// Class 2: every server-side fetch of a URL that came from a request — the simulator's media inputs,
// the estimate's media facts, the output copy — goes through one SSRF-safe fetcher, which connects
// to public addresses only. Each attack points a URL at a listener this test starts on loopback and
// asserts the refusal and that the listener received nothing.
//
// A redirect *to* a private address needs a first hop the studio may reach (a public address); on
// this machine every server is on loopback, where the first hop is refused already. The redirect
// case is therefore covered by tests/unit/safe-fetch.test.ts, with an injected resolver and an
// allow-listed first hop ("refuses a redirect to a private address…"); DNS rebinding likewise.

/** Loopback and this machine, spelled every way a URL can spell them. */
const LOOPBACK: [name: string, host: string][] = [
  ['dotted loopback', '127.0.0.1'],
  ['decimal loopback', '2130706433'],
  ['hex loopback', '0x7f000001'],
  ['octal loopback', '0177.0.0.1'],
  ['short loopback', '127.1'],
  ['loopback with a trailing dot', '127.0.0.1.'],
  ['localhost', 'localhost'],
  ['a *.localhost name', 'studio.localhost'],
  ['IPv6 loopback', '[::1]'],
  ['IPv4-mapped IPv6 loopback', '[::ffff:127.0.0.1]'],
  ['IPv4-mapped IPv6 loopback in hex', '[::ffff:7f00:1]'],
  ['the unspecified address', '0.0.0.0'],
]

/** Addresses that are not this machine's but are not public either: refused without a connection. */
const PRIVATE: [name: string, host: string][] = [
  ['the cloud metadata address', '169.254.169.254'],
  ['a private network address', '10.0.0.1'],
  ['a unique-local IPv6 address', '[fd00::1]'],
]

const NOT_ALLOWED = /could not read the (video|image|output video) at (video_url|image_url|video\.url): its address is not allowed/

type Listener = Awaited<ReturnType<typeof loopbackListener>>

async function withListener(run: (listener: Listener) => Promise<void>) {
  const listener = await loopbackListener()
  try {
    await run(listener)
    expect(listener.hits, 'the loopback listener received a request').toEqual([])
  } finally {
    await listener.close()
  }
}

/** A failed take's error, as text: the field and the reason the simulator gave. */
function errorText(error: unknown): string {
  return JSON.stringify(error)
}

test.describe('the simulator’s media inputs (through the proxy, on the e2e studio)', () => {
  for (const [name, host] of [...LOOPBACK, ...PRIVATE]) {
    test(`ssrf: a video_url at ${name} (${host}) is refused by the simulator and nothing is fetched`, async ({ request }) => {
      await withListener(async (listener) => {
        const url = `http://${host}:${listener.port}/clip.mp4`
        const take = await finishedTake(request, await submitTake(request, V2V.id, { prompt: marker('ssrf-input'), video_url: url }))
        expect(take.status).toBe('FAILED')
        expect(take.error?.kind).toBe('validation')
        expect(errorText(take.error)).toMatch(NOT_ALLOWED)
        expect(errorText(take.error)).toContain('video_url')
        expect(take.output).toBeNull()
        expect(take.billedUsd ?? 0).toBe(0)
        // The run stopped at its inputs: nothing was generated.
        expect(take.logs.map((entry) => entry.message).join('\n')).not.toContain('Generating')
      })
    })
  }

  test('ssrf: an image_url on loopback beside a good video is refused, and nothing is fetched', async ({ request, baseURL }) => {
    const clip = await uploadClip(baseURL!)
    await withListener(async (listener) => {
      const input = { prompt: marker('ssrf-image'), video_url: clip, image_url: `http://2130706433:${listener.port}/still.png` }
      const take = await finishedTake(request, await submitTake(request, V2V.id, input))
      expect(take.status).toBe('FAILED')
      expect(errorText(take.error)).toMatch(NOT_ALLOWED)
      expect(errorText(take.error)).toContain('image_url')
    })
  })

  test('ssrf: a redirect that starts on loopback is refused at its first hop; neither server is asked', async ({ request }) => {
    const target = await loopbackListener()
    const hops: string[] = []
    const redirector: Server = createServer((incoming, response) => {
      hops.push(incoming.url ?? '')
      response.writeHead(302, { location: `http://127.0.0.1:${target.port}/clip.mp4` }).end()
    })
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://localhost:${(redirector.address() as AddressInfo).port}/redirect`
      const take = await finishedTake(request, await submitTake(request, V2V.id, { prompt: marker('ssrf-redirect'), video_url: url }))
      expect(take.status).toBe('FAILED')
      expect(errorText(take.error)).toMatch(NOT_ALLOWED)
      expect(hops).toEqual([])
      expect(target.hits).toEqual([])
    } finally {
      await new Promise((resolve) => redirector.close(resolve))
      await target.close()
    }
  })

  test('ssrf: a video_url naming the simulator’s file on another host is read from the studio’s own store, never fetched', async ({ request, baseURL }) => {
    const clip = new URL(await uploadClip(baseURL!))
    await withListener(async (listener) => {
      // The simulator's file path, on the listener's host: the studio reads its own file from disk.
      const url = `http://127.0.0.1:${listener.port}${clip.pathname}`
      const take = await finishedTake(request, await submitTake(request, V2V.id, { prompt: marker('ssrf-own-file'), video_url: url }))
      expect(take.status).toBe('COMPLETED')
    })
  })
})

test.describe('the output copy (a simulator told to answer a hostile output URL)', () => {
  const OUTPUT_HOSTS: [name: string, host: string][] = [
    ['dotted loopback', '127.0.0.1'],
    ['decimal loopback', '2130706433'],
    ['IPv4-mapped IPv6 loopback', '[::ffff:127.0.0.1]'],
    ['localhost', 'localhost'],
  ]

  /** Submits a good take whose output the simulator reports at `outputUrl`; the finished take. */
  async function takeWithOutputAt(request: APIRequestContext, baseURL: string, outputUrl: string) {
    const tag = randomUUID()
    await backendControl(request, { tag, faults: { outputVideoUrl: outputUrl } })
    const clip = await uploadClip(baseURL)
    return finishedTake(request, await submitTake(request, V2V.id, { prompt: marker('ssrf-output'), video_url: clip }, tag))
  }

  for (const [name, host] of OUTPUT_HOSTS) {
    test(`ssrf: an output video at ${name} (${host}) is never fetched for the studio’s copy`, async ({ request, baseURL }) => {
      await withListener(async (listener) => {
        const take = await takeWithOutputAt(request, baseURL!, `http://${host}:${listener.port}/out.mp4`)
        expect(take.status).toBe('COMPLETED')
        expect(['pending', 'failed']).toContain(take.copyStatus)
        expect(take.copyError).toMatch(NOT_ALLOWED)
        expect(take.posterUrl).toBeNull()
      })
    })
  }

  test('ssrf: an output naming the simulator’s file on another host is copied from the studio’s own store, never fetched', async ({ request, baseURL }) => {
    const clip = new URL(await uploadClip(baseURL!))
    await withListener(async (listener) => {
      const take = await takeWithOutputAt(request, baseURL!, `http://127.0.0.1:${listener.port}${clip.pathname}`)
      expect(take.status).toBe('COMPLETED')
      expect(take.copyStatus).toBe('kept')
      expect(take.posterUrl).toMatch(/^\/api\/outputs\//)
    })
  })
})

test.describe('the estimate (a studio with a per-take cap)', () => {
  // One studio for these tests (port 3530), so they run in order in one worker.
  test.describe.configure({ mode: 'default' })
  test.use({ baseURL: undefined })

  const DATA_DIR = '.e2e-data-attacks-ssrf'
  let studio: StudioProcess
  let owner: APIRequestContext

  test.beforeAll(async () => {
    await removeDir(DATA_DIR)
    studio = await startPasswordStudio(3530, DATA_DIR, { TAKES_MAX_TAKE_USD: '0.05' })
    owner = await clientWith(studio.url, await signIn(studio.url))
  })

  test.afterAll(async () => {
    await owner?.dispose()
    await studio?.kill()
    await removeDir(DATA_DIR)
  })

  test('ssrf (control): the same take with a clip the studio can read is under the cap and accepted', async () => {
    const clip = await uploadAs(owner, fixturePath('video'))
    const response = await submitThroughProxy(owner, { prompt: marker('ssrf-estimate-control'), video_url: clip })
    expect(response.status(), await response.text()).toBe(200)
    // Ended before the next test reads today's spend.
    const { take_id: takeId } = (await response.json()) as { take_id: string }
    expect((await finishedTake(owner, takeId)).status).toBe('COMPLETED')
  })

  for (const [name, host] of [LOOPBACK[0]!, LOOPBACK[1]!, LOOPBACK[6]!, LOOPBACK[9]!, PRIVATE[0]!]) {
    test(`ssrf: the estimate reads nothing at ${name} (${host}), prices the unread video at the schema's bound and refuses it`, async () => {
      const [{ submits }, spend] = await Promise.all([backendCounters(studio.url), spendShown(studio.url)])
      await withListener(async (listener) => {
        const response = await submitThroughProxy(owner, { prompt: marker('ssrf-estimate'), video_url: `http://${host}:${listener.port}/clip.mp4` })
        expect(response.status(), await response.text()).toBe(402)
      })
      expect((await backendCounters(studio.url)).submits).toBe(submits)
      expect(await spendShown(studio.url)).toBe(spend)
    })
  }

  test("ssrf: a sweep's estimate reads nothing from loopback and records no sweep", async () => {
    const { submits } = await backendCounters(studio.url)
    await withListener(async (listener) => {
      const response = await owner.post('/api/sweeps', {
        data: {
          endpointId: V2V.id,
          input: { prompt: marker('ssrf-sweep'), video_url: `http://127.1:${listener.port}/clip.mp4` },
          axes: [{ field: 'guidance_scale', values: [2, 3] }],
          concurrency: 1,
          varySeed: false,
        },
      })
      expect(response.status(), await response.text()).toBe(402)
    })
    expect((await backendCounters(studio.url)).submits).toBe(submits)
  })
})
