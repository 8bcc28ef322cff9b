import { randomUUID } from 'node:crypto'
import { ApiError } from '@fal-ai/client'
import { eq, inArray, sql } from 'drizzle-orm'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { getDb } from '@/lib/db/client'
import { createTake, getTake, listTakes, type Take } from '@/lib/db/queries'
import { takes, UNFINISHED_STATUSES } from '@/lib/db/schema'
import { getSweep, listSweepTakes } from '@/lib/db/sweep-queries'
import { checkSweepRequest } from '@/lib/sweeps/sweep-request'
import { startSweep } from '@/lib/sweeps/start-sweep'
import { stopSweep } from '@/lib/sweeps/stop-sweep'
import { submitNextSweepCell } from '@/lib/sweeps/submit-sweep-cell'
import { TakeFollower } from '@/lib/takes/follower'
import { SUBMIT_LEASE_MS } from '@/lib/takes/record-take'
import { spentToday } from '@/lib/takes/spend-guard'
import { submitTake } from '@/lib/takes/submit-take'
import { takeViewOf } from '@/lib/takes/take-view'
import { backends, SLOW } from './db-fixture'
import { cancelledError, FakeFal } from './helpers/fake-fal'
import { until, useProcessDbOn } from './helpers/process-db'

// The one submit (lib/takes/submit-take.ts), as the proxy and the sweep runner use it, against a fake
// fal: what is recorded, what reaches fal, and how a refused or unanswered submit ends.

// Settling keeps a copy of the output: no download here.
vi.mock('@/lib/storage/keep-output', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/storage/keep-output')>()),
  keepTakeOutput: (id: string) => Promise.resolve({ videoKey: `${id}/video.mp4`, posterKey: null }),
}))

const V2V = 'fal-ai/ltx-2-19b/video-to-video'
const PUBLIC_URL = 'https://studio.example'
/** A simulator file that does not exist: its facts are unread at once (no network), and the estimate assumes the most. */
const VIDEO = `https://studio.example/api/local-fal/files/${randomUUID()}`

function envWith(settings: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TAKES_BACKEND: 'local', TAKES_PUBLIC_URL: PUBLIC_URL, ...settings }
  for (const name of ['TAKES_DAILY_USD', 'TAKES_MAX_TAKE_USD', 'TAKES_LOCAL_FAL_URL', 'FAL_KEY']) if (!(name in settings)) delete env[name]
  return env
}

const promptOf = (label: string) => `${label} ${randomUUID()}`
const inputOf = (prompt: string) => ({ prompt, video_url: VIDEO })
const takesWithPrompt = async (prompt: string) => (await listTakes({ search: prompt })).takes

const followers: TakeFollower[] = []
function follower(fake: FakeFal, options: { leaseMs?: number } = {}) {
  const started = new TakeFollower({ client: fake.client('follower'), tickMs: 40, pollMs: 20, ...options })
  followers.push(started)
  started.start()
  return started
}

afterEach(async () => {
  await Promise.all(followers.splice(0).map((started) => started.stop()))
  // What a test left running ends, so no later test's follower picks it up.
  await (await getDb()).update(takes).set({ status: 'FAILED', leaseOwner: null, leaseExpiresAt: null }).where(inArray(takes.status, [...UNFINISHED_STATUSES]))
})

describe.each(backends)('the take service on $name', (backend) => {
  useProcessDbOn(backend)

  it(
    'a valid take is recorded first, then queued with fal’s request id and the webhook, and its submit lease released',
    async () => {
      const fake = new FakeFal()
      const prompt = promptOf('valid')
      let recordedBeforeFal: Take[] = []
      fake.submitAnswer = async () => {
        recordedBeforeFal = await takesWithPrompt(prompt)
        return undefined
      }
      const result = await submitTake({ endpointId: V2V, input: inputOf(prompt), headers: { 'x-fal-queue-priority': 'low' } }, { client: fake.client(), env: envWith() })
      if (result.outcome !== 'queued') throw new Error(`not queued: ${result.outcome}`)

      // Recorded before the submit left, leased to it, with no request id yet.
      expect(recordedBeforeFal).toHaveLength(1)
      expect(recordedBeforeFal[0]).toMatchObject({ id: result.take.id, falRequestId: null, leaseOwner: 'submit', status: 'IN_QUEUE' })
      expect(recordedBeforeFal[0]!.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + SUBMIT_LEASE_MS / 2)

      expect(fake.submits).toEqual([{ endpointId: V2V, input: inputOf(prompt), webhookUrl: `${PUBLIC_URL}/api/fal/webhook`, headers: { 'x-fal-queue-priority': 'low' } }])
      const stored = await getTake(result.take.id)
      expect(stored).toMatchObject({ falRequestId: result.queued.request_id, status: 'IN_QUEUE', leaseOwner: null, leaseExpiresAt: null, input: inputOf(prompt), billedUsd: null })
      expect(stored!.estimateUsd).toBeGreaterThan(0)
    },
    SLOW,
  )

  it(
    'without TAKES_PUBLIC_URL the submit carries no webhook',
    async () => {
      const fake = new FakeFal()
      const env = envWith()
      delete env.TAKES_PUBLIC_URL
      const result = await submitTake({ endpointId: V2V, input: inputOf(promptOf('no-webhook')) }, { client: fake.client(), env })
      expect(result.outcome).toBe('queued')
      expect(fake.submits).toHaveLength(1)
      expect(fake.submits[0]!.webhookUrl).toBeUndefined()
    },
    SLOW,
  )

  it.each([
    ['a missing required field', (prompt: string) => ({ prompt })],
    ['a media field that is not an http(s) URL', (prompt: string) => ({ prompt, video_url: 'file:///etc/passwd' })],
    ['a body that is not an object', () => ['not', 'an', 'object']],
  ])(
    'an invalid input (%s) records nothing and never reaches fal',
    async (_name, input) => {
      const fake = new FakeFal()
      const prompt = promptOf('invalid')
      const result = await submitTake({ endpointId: V2V, input: input(prompt) }, { client: fake.client(), env: envWith() })
      expect(result.outcome).toBe('invalid')
      expect(fake.calls).toEqual([])
      expect(await takesWithPrompt(prompt)).toEqual([])
    },
    SLOW,
  )

  it(
    'over the daily cap: nothing is recorded and fal is not called; a sweep cell keeps a failed take that says why',
    async () => {
      const fake = new FakeFal()
      const prompt = promptOf('over-cap')
      const env = envWith({ TAKES_DAILY_USD: '0' })
      const spentBefore = await spentToday()
      const alone = await submitTake({ endpointId: V2V, input: inputOf(prompt) }, { client: fake.client(), env })
      expect(alone).toMatchObject({ outcome: 'over-budget', refusal: { cap: 'daily' } })
      expect(await takesWithPrompt(prompt)).toEqual([])

      const checked = checkSweepRequest({ endpointId: V2V, input: inputOf(prompt), axes: [{ field: 'guidance_scale', values: [2, 3] }], concurrency: 2, varySeed: false })
      if (!checked.ok) throw new Error(checked.problem.detail)
      const started = await startSweep(checked.sweep, envWith())
      if (!started.ok) throw new Error(started.refusal.detail)
      const cell = await submitTake({ endpointId: V2V, input: checked.sweep.inputs[0], sweep: { id: started.sweep.id, index: 0 } }, { client: fake.client(), env })
      expect(cell.outcome).toBe('over-budget')
      const [failed, ...others] = await listSweepTakes(started.sweep.id)
      expect(others).toEqual([])
      expect(failed).toMatchObject({ sweepIndex: 0, status: 'FAILED', falRequestId: null, billedUsd: null, leaseOwner: null, error: { kind: 'request', errorType: 'budget_exceeded', status: 402 } })
      expect(failed!.completedAt).not.toBeNull()

      expect(fake.calls).toEqual([])
      expect(await spentToday()).toBeCloseTo(spentBefore, 10)
    },
    SLOW,
  )

  it.each([
    ['422 with field errors', new ApiError({ message: 'Unprocessable', status: 422, body: { detail: [{ loc: ['body', 'guidance_scale'], msg: 'too high', type: 'value_error' }] } }), { kind: 'validation', fields: [{ field: 'guidance_scale', message: 'too high' }] }],
    ['403', new ApiError({ message: 'Forbidden', status: 403, body: { detail: 'Forbidden' } }), { kind: 'request', status: 403, retryable: false }],
  ])(
    'fal refuses the submit (%s): the take ends failed with fal’s error, unbilled',
    async (_name, refusal, error) => {
      const fake = new FakeFal()
      fake.submitAnswer = () => refusal
      const prompt = promptOf('refused')
      const spentBefore = await spentToday()
      const result = await submitTake({ endpointId: V2V, input: inputOf(prompt) }, { client: fake.client(), env: envWith() })
      expect(result).toMatchObject({ outcome: 'refused', error })
      const [take, ...others] = await takesWithPrompt(prompt)
      expect(others).toEqual([])
      expect(take).toMatchObject({ status: 'FAILED', error, falRequestId: null, billedUsd: null, leaseOwner: null, leaseExpiresAt: null })
      expect(take!.completedAt).not.toBeNull()
      expect(fake.count('submit')).toBe(1)
      expect(await spentToday()).toBeCloseTo(spentBefore, 10)
    },
    SLOW,
  )

  it.each([
    ['a lost connection', () => new TypeError('fetch failed')],
    ['a 503', () => new ApiError({ message: 'Service Unavailable', status: 503, body: { detail: 'busy' } })],
    ['a 500', () => new ApiError({ message: 'Internal Server Error', status: 500, body: undefined })],
  ])(
    'fal never answers the submit (%s): the take stays leased to its submit, and once the lease lapses the follower ends it as lost',
    async (_name, failure) => {
      const fake = new FakeFal()
      fake.submitAnswer = () => failure()
      const prompt = promptOf('unanswered')
      const result = await submitTake({ endpointId: V2V, input: inputOf(prompt) }, { client: fake.client(), env: envWith() })
      expect(result.outcome).toBe('unanswered')
      const [take, ...others] = await takesWithPrompt(prompt)
      expect(others).toEqual([])
      expect(take).toMatchObject({ status: 'IN_QUEUE', falRequestId: null, leaseOwner: 'submit', completedAt: null })
      expect(take!.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + SUBMIT_LEASE_MS / 2)

      // A follower that is running leaves it to its submit while the lease lasts: it follows a take
      // created after it (claims go oldest first), and not this one.
      const sentinelRequest = fake.addJob(V2V)
      await createTake({ endpointId: V2V, input: inputOf(promptOf('sentinel')), falRequestId: sentinelRequest })
      follower(fake)
      await until('the follower to follow the sentinel', () => fake.openStreams(sentinelRequest).length > 0)
      expect(await getTake(take!.id)).toMatchObject({ status: 'IN_QUEUE', leaseOwner: 'submit' })

      // The server died mid-submit long ago: the lease has lapsed.
      await (await getDb()).update(takes).set({ leaseExpiresAt: sql`now() - interval '1 second'` }).where(eq(takes.id, take!.id))
      const lost = await until('the take to end as lost', async () => {
        const current = await getTake(take!.id)
        return current?.status === 'FAILED' ? current : null
      })
      expect(lost).toMatchObject({ falRequestId: null, billedUsd: null, leaseOwner: null, error: { kind: 'request', message: expect.stringMatching(/never heard fal’s answer/) } })
      // Nothing was asked of fal about it: it has no request id.
      expect(fake.calls.filter((call) => call.method !== 'submit' && call.requestId !== sentinelRequest)).toEqual([])
    },
    SLOW,
  )

  it(
    '“Stop sweep” submits nothing more, cancels its queued takes at fal (not the running one), says what that saved, and the takes end cancelled',
    async () => {
      const fake = new FakeFal()
      const env = envWith()
      const checked = checkSweepRequest({ endpointId: V2V, input: inputOf(promptOf('stop')), axes: [{ field: 'guidance_scale', values: [2, 3, 4, 5] }], concurrency: 3, varySeed: false })
      if (!checked.ok) throw new Error(checked.problem.detail)
      const started = await startSweep(checked.sweep, env)
      if (!started.ok) throw new Error(started.refusal.detail)
      const { sweep } = started
      for (let cell = 0; cell < 3; cell++) expect(await submitNextSweepCell(sweep, fake.client(), env)).toBe(true)
      const submitted = await listSweepTakes(sweep.id)
      expect(submitted.map((take) => [take.sweepIndex, take.status, take.leaseOwner])).toEqual([
        [0, 'IN_QUEUE', null],
        [1, 'IN_QUEUE', null],
        [2, 'IN_QUEUE', null],
      ])
      const [running, ...queued] = submitted as [Take, ...Take[]]
      await (await getDb()).update(takes).set({ status: 'IN_PROGRESS' }).where(eq(takes.id, running.id))
      fake.progress(running.falRequestId!)

      const stopped = await stopSweep(sweep.id, fake.client(), env)
      const cellEstimate = queued[0]!.estimateUsd!
      expect(stopped).toMatchObject({ cancelled: 2, notSubmitted: 1 })
      expect(stopped!.savedUsd).toBeCloseTo(3 * cellEstimate, 10)
      expect(await getSweep(sweep.id)).toMatchObject({ status: 'STOPPED' })
      expect((await getSweep(sweep.id))!.savedUsd).toBeCloseTo(3 * cellEstimate, 10)
      expect(fake.count('cancel')).toBe(2)
      expect(queued.every((take) => fake.cancelAsked(take.falRequestId!))).toBe(true)
      expect(fake.cancelAsked(running.falRequestId!)).toBe(false)
      for (const take of queued) expect(takeViewOf((await getTake(take.id))!).cancelling).toBe(true)

      // Nothing more is submitted for a stopped sweep.
      expect(await submitNextSweepCell(sweep, fake.client(), env)).toBe(false)
      expect(fake.count('submit')).toBe(3)

      // fal ends them cancelled; the follower records it.
      follower(fake)
      for (const take of queued) fake.fail(take.falRequestId!, cancelledError())
      fake.complete(running.falRequestId!, { video: { url: 'https://v3.fal.media/files/x/out.mp4', content_type: 'video/mp4', width: 1280, height: 720, num_frames: 121 }, seed: 1 })
      const ended = await until('every take of the sweep to end', async () => {
        const all = await listSweepTakes(sweep.id)
        return all.every((take) => !UNFINISHED_STATUSES.some((status) => status === take.status)) ? all : null
      })
      expect(ended.map((take) => take.status)).toEqual(['COMPLETED', 'CANCELLED', 'CANCELLED'])
      expect(ended.map((take) => takeViewOf(take).cancelling)).toEqual([false, false, false])
      expect(ended.map((take) => take.billedUsd === null)).toEqual([false, true, true])
    },
    SLOW,
  )
})
