import { randomUUID } from 'node:crypto'
import { ApiError, type FalClient } from '@fal-ai/client'
import { inArray } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { getDb, openDb } from '@/lib/db/client'
import { createTake, getTake, updateTake, type Take } from '@/lib/db/queries'
import { takes, UNFINISHED_STATUSES } from '@/lib/db/schema'
import { createSweepRecord } from '@/lib/db/sweep-queries'
import { watchChanges, type Change } from '@/lib/events/change-feed'
import type { JwksCache } from '@/lib/fal/webhook-signature'
import { cancelTake } from '@/lib/takes/cancel-take'
import { TakeFollower, type FollowerOptions } from '@/lib/takes/follower'
import { takeViewOf } from '@/lib/takes/take-view'
import { handleFalWebhook } from '@/lib/takes/webhook'
import { backends, SLOW } from './db-fixture'
import { cancelledError, FakeFal, Gate } from './helpers/fake-fal'
import { until, useProcessDbOn } from './helpers/process-db'

// The follower (lib/takes/follower.ts), the only code that follows fal about a take, against a fake
// fal: status stream first, polling with back-off after a drop, logs appended once each, the result
// fetched once and the output downloaded once, even when a webhook settles the take meanwhile.

// The output download, counted (settling keeps a copy of the output).
const keep = vi.hoisted(() => ({ take: vi.fn() }))
vi.mock('@/lib/storage/keep-output', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/storage/keep-output')>()),
  keepTakeOutput: keep.take,
}))
// Status writes, refusable (`refuseWrites` of them fail, as a database that drops a connection).
const writes = vi.hoisted(() => ({ refuseWrites: 0 }))
vi.mock('@/lib/db/queries', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/db/queries')>()
  return {
    ...actual,
    advanceTake: (...args: Parameters<typeof actual.advanceTake>) => {
      if (writes.refuseWrites > 0) {
        writes.refuseWrites--
        return Promise.reject(new Error('Connection terminated unexpectedly'))
      }
      return actual.advanceTake(...args)
    },
  }
})
const kept = (id: string) => ({ videoKey: `${id}/video.mp4`, posterKey: `${id}/poster.jpg` })
const downloadsOf = (id: string) => keep.take.mock.calls.filter(([takeId]) => takeId === id).length

const V2V = 'fal-ai/ltx-2-19b/video-to-video'
const OUTPUT = { video: { url: 'https://v3.fal.media/files/x/out.mp4', content_type: 'video/mp4', width: 1280, height: 720, num_frames: 121 }, seed: 1234 }

const followers: TakeFollower[] = []
function follower(client: FalClient, options: FollowerOptions = {}) {
  const started = new TakeFollower({ client, tickMs: 40, pollMs: 20, ...options })
  followers.push(started)
  started.start()
  return started
}

/** What a crashed process leaves: no more ticks or lease renewals, its follows cut off, its leases still held. */
function crash(crashed: TakeFollower) {
  const inside = crashed as unknown as { ticker: { stop(): void }; following: Map<string, AbortController> }
  inside.ticker.stop()
  for (const controller of inside.following.values()) controller.abort()
}

/** A take fal has in its queue, as a confirmed submit leaves it. */
async function queuedTake(fake: FakeFal, estimateUsd?: number): Promise<{ take: Take; requestId: string }> {
  const requestId = fake.addJob(V2V)
  const take = await createTake({ endpointId: V2V, input: { prompt: `follow ${randomUUID()}`, video_url: 'https://v3.fal.media/files/x/in.mp4' }, falRequestId: requestId, estimateUsd })
  return { take, requestId }
}

const current = async (id: string) => (await getTake(id))!
const whenTake = (what: string, id: string, check: (take: Take) => boolean, timeoutMs?: number) =>
  until(what, async () => {
    const take = await current(id)
    return check(take) ? take : null
  }, timeoutMs)
const messagesOf = (take: Take) => take.logs.map((log) => log.message)
const ended = (take: Take) => !UNFINISHED_STATUSES.some((status) => status === take.status)

/** fal's signed webhook, as handleFalWebhook receives it (the signature itself is tested in webhook-signature.test.ts). */
function webhook(requestId: string, payload: unknown) {
  const keys = { getKeys: async () => [], verify: async () => ({ ok: true as const, requestId }) } as unknown as JwksCache
  const request = new Request('https://studio.example/api/fal/webhook', { method: 'POST', body: JSON.stringify({ request_id: requestId, gateway_request_id: requestId, status: 'OK', payload }) })
  return handleFalWebhook(request, { keys, jwksUrl: 'https://keys.example/jwks' }).then(async (response) => ({ status: response.status, body: (await response.json()) as { result?: string } }))
}

beforeEach(() => {
  writes.refuseWrites = 0
  keep.take.mockReset().mockImplementation((id: string) => Promise.resolve(kept(id)))
})

afterEach(async () => {
  await Promise.all(followers.splice(0).map((started) => started.stop()))
  // What a test left running ends, so no later test's follower picks it up.
  await (await getDb()).update(takes).set({ status: 'FAILED', leaseOwner: null, leaseExpiresAt: null }).where(inArray(takes.status, [...UNFINISHED_STATUSES]))
})

describe.each(backends)('the follower on $name', (backend) => {
  const processDb = useProcessDbOn(backend)

  it(
    'follows a take by fal’s status stream: queue position, progress, each log line once in order, the result fetched once',
    async () => {
      const fake = new FakeFal()
      const { take, requestId } = await queuedTake(fake)
      const started = follower(fake.client())
      await until('the stream to open', () => fake.openStreams(requestId).length === 1)

      fake.queued(requestId, 3)
      await whenTake('queue position 3', take.id, (t) => t.queuePosition === 3 && t.followMode === 'stream')
      fake.progress(requestId, 'loading weights', 'step 1/8')
      const running = await whenTake('two log lines', take.id, (t) => t.logs.length === 2)
      expect(running).toMatchObject({ status: 'IN_PROGRESS', queuePosition: null, followMode: 'stream' })
      expect(running.startedAt).not.toBeNull()
      fake.progress(requestId, 'step 2/8')
      await whenTake('three log lines', take.id, (t) => t.logs.length === 3)

      fake.complete(requestId, OUTPUT)
      const done = await whenTake('the take to complete', take.id, ended)
      expect(done).toMatchObject({ status: 'COMPLETED', output: OUTPUT, ...kept(take.id), copyStatus: 'kept', leaseOwner: null, followMode: null, inferenceTime: 1.5 })
      expect(done.billedUsd).toBeGreaterThan(0)
      expect(messagesOf(done)).toEqual(['loading weights', 'step 1/8', 'step 2/8'])
      expect(fake.count('result', requestId)).toBe(1)
      expect(fake.count('streamStatus', requestId)).toBe(1)
      expect(fake.count('status', requestId)).toBe(0)
      expect(downloadsOf(take.id)).toBe(1)
      await until('the follower to let go', () => started.size === 0)
    },
    SLOW,
  )

  it.each([
    ['breaks', 'error'],
    ['closes early', 'end'],
    ['cannot open', 'refuse'],
  ] as const)(
    'when the status stream %s, polling takes over: only unseen log lines are appended, and the result is fetched once',
    async (_name, drop) => {
      const fake = new FakeFal()
      if (drop === 'refuse') fake.streaming = 'refuse'
      const { take, requestId } = await queuedTake(fake)
      fake.progress(requestId, 'a', 'b')
      follower(fake.client())
      await whenTake('the first two lines', take.id, (t) => t.logs.length === 2)
      if (drop !== 'refuse') {
        expect((await current(take.id)).followMode).toBe('stream')
        fake.dropStreams(requestId, drop)
      }
      await whenTake('polling', take.id, (t) => t.followMode === 'polling')

      // Polling hears every line each time; only the new one is added.
      fake.progress(requestId, 'c')
      await whenTake('the third line', take.id, (t) => t.logs.length >= 3)
      await until('two more polls', async () => fake.count('status', requestId) >= 3)
      expect(messagesOf(await current(take.id))).toEqual(['a', 'b', 'c'])

      fake.complete(requestId, OUTPUT)
      const done = await whenTake('the take to complete', take.id, ended)
      expect(done).toMatchObject({ status: 'COMPLETED', output: OUTPUT })
      expect(messagesOf(done)).toEqual(['a', 'b', 'c'])
      expect(fake.count('streamStatus', requestId)).toBe(1)
      expect(fake.count('result', requestId)).toBe(1)
      expect(downloadsOf(take.id)).toBe(1)
    },
    SLOW,
  )

  it(
    'polling backs off while nothing changes, and returns to its first pace when something does',
    async () => {
      const fake = new FakeFal()
      fake.streaming = 'refuse'
      const pollMs = 80
      const { take, requestId } = await queuedTake(fake)
      fake.progress(requestId, 'a')
      follower(fake.client(), { pollMs })
      const pollTimes = () => fake.calls.filter((call) => call.method === 'status' && call.requestId === requestId).map((call) => call.at)
      const gaps = (times: number[]) => times.slice(1).map((at, index) => at - times[index]!)

      await until('nine polls', () => pollTimes().length >= 9, 9000)
      const steady = gaps(pollTimes())
      // 80, 120, 180, 270, then the most: 5 × 80 ms.
      expect(steady.slice(-3).every((gap) => gap >= 0.75 * 5 * pollMs), `gaps ${steady.join(', ')}`).toBe(true)

      const changedAt = Date.now()
      fake.progress(requestId, 'b')
      // A poll under way as the change lands may still answer the old state: the pace returns within the next polls.
      await until('three polls after the change', () => pollTimes().filter((at) => at >= changedAt).length >= 3, 9000)
      const afterChange = gaps(pollTimes().filter((at) => at >= changedAt))
      expect(Math.min(...afterChange), `gaps ${gaps(pollTimes()).join(', ')}`).toBeLessThan(0.75 * 5 * pollMs)
      expect(messagesOf(await current(take.id))).toEqual(['a', 'b'])
    },
    SLOW,
  )

  it(
    'a webhook settling the take while the follower sees COMPLETED: one download, no result fetch',
    async () => {
      const fake = new FakeFal()
      const { take, requestId } = await queuedTake(fake)
      const started = follower(fake.client())
      fake.progress(requestId, 'working')
      await whenTake('the take to run', take.id, (t) => t.status === 'IN_PROGRESS')

      // The webhook claims the settling first; its download is slow.
      const download = new Gate()
      keep.take.mockImplementation(async (id: string) => {
        await download.passed
        return kept(id)
      })
      const answered = webhook(requestId, OUTPUT)
      await until('the webhook’s download to start', () => keep.take.mock.calls.length === 1)

      fake.complete(requestId, OUTPUT)
      await until('the follower to see COMPLETED and leave the take to the webhook', () => fake.openStreams(requestId).length === 0 && started.size === 0)
      // Nor does it take the take up again while the webhook settles it: a tick later (it follows a
      // take made now), that take's stream is still the only one opened.
      const later = await queuedTake(fake)
      await until('the follower to follow a later take', () => fake.openStreams(later.requestId).length === 1)
      expect(fake.count('streamStatus', requestId)).toBe(1)
      download.open()
      expect(await answered).toEqual({ status: 200, body: { ok: true, result: 'settled' } })
      const done = await whenTake('the take to complete', take.id, ended)
      expect(done).toMatchObject({ status: 'COMPLETED', output: OUTPUT, ...kept(take.id) })
      expect(downloadsOf(take.id)).toBe(1)
      expect(fake.count('result', requestId)).toBe(0)
    },
    SLOW,
  )

  it(
    'a webhook arriving while the follower fetches the result: the webhook downloads nothing, the follower once',
    async () => {
      const fake = new FakeFal()
      const { take, requestId } = await queuedTake(fake)
      follower(fake.client())
      await until('the stream to open', () => fake.openStreams(requestId).length === 1)
      fake.resultGate = new Gate()
      fake.complete(requestId, OUTPUT)
      await until('the follower to fetch the result', () => fake.count('result', requestId) === 1)

      expect(await webhook(requestId, OUTPUT)).toEqual({ status: 200, body: { ok: true, result: 'already' } })
      expect(keep.take).not.toHaveBeenCalled()
      fake.resultGate.open()
      const done = await whenTake('the take to complete', take.id, ended)
      expect(done).toMatchObject({ status: 'COMPLETED', ...kept(take.id) })
      expect(downloadsOf(take.id)).toBe(1)
      expect(fake.count('result', requestId)).toBe(1)
    },
    SLOW,
  )

  it(
    'webhooks and the follower racing on several takes at once: each output downloaded once, each result fetched at most once',
    async () => {
      const fake = new FakeFal()
      const all = await Promise.all(Array.from({ length: 4 }, () => queuedTake(fake)))
      follower(fake.client())
      await until('every stream to open', () => all.every(({ requestId }) => fake.openStreams(requestId).length === 1))
      const answers = await Promise.all(
        all.map(({ requestId }) => {
          fake.complete(requestId, OUTPUT)
          return webhook(requestId, OUTPUT)
        }),
      )
      expect(answers.every((answer) => answer.status === 200)).toBe(true)
      for (const { take, requestId } of all) {
        expect(await whenTake('the take to complete', take.id, ended)).toMatchObject({ status: 'COMPLETED', ...kept(take.id) })
        expect(downloadsOf(take.id)).toBe(1)
        expect(fake.count('result', requestId)).toBeLessThanOrEqual(1)
      }
    },
    SLOW,
  )

  it(
    'a status write the database refuses: the follower leaves the stream, polls, and records what fal says',
    async () => {
      const fake = new FakeFal()
      const { take, requestId } = await queuedTake(fake)
      follower(fake.client())
      await until('the stream to open', () => fake.openStreams(requestId).length === 1)
      writes.refuseWrites = 1
      fake.progress(requestId, 'working')
      const running = await whenTake('the take to run', take.id, (t) => t.status === 'IN_PROGRESS')
      expect(writes.refuseWrites).toBe(0)
      expect(running).toMatchObject({ followMode: 'polling' })
      expect(messagesOf(running)).toEqual(['working'])
      fake.complete(requestId, OUTPUT)
      expect(await whenTake('the take to complete', take.id, ended)).toMatchObject({ status: 'COMPLETED', ...kept(take.id) })
    },
    SLOW,
  )

  it(
    'a result fal no longer holds (404 after COMPLETED): the take ends saying so, counted at its estimate; a late webhook still completes it',
    async () => {
      const fake = new FakeFal()
      const { take, requestId } = await queuedTake(fake, 0.3)
      follower(fake.client())
      fake.progress(requestId, 'working')
      await whenTake('the take to run', take.id, (t) => t.status === 'IN_PROGRESS')
      fake.expire(requestId, OUTPUT)
      const lost = await whenTake('the take to end', take.id, ended)
      expect(lost).toMatchObject({ status: 'FAILED', billedUsd: 0.3, error: { kind: 'request', errorType: 'result_expired' } })
      expect(lost.error?.message).toMatch(/^fal no longer holds this result; it completed at \d{4}-\d\d-\d\d \d\d:\d\d UTC and was billed\.$/)
      expect(takeViewOf(lost).billing).toEqual({ basis: 'estimate' })
      expect(keep.take).not.toHaveBeenCalled()

      expect((await webhook(requestId, OUTPUT)).status).toBe(200)
      const recovered = await current(take.id)
      expect(recovered).toMatchObject({ status: 'COMPLETED', output: OUTPUT, error: null, ...kept(take.id) })
      expect(downloadsOf(take.id)).toBe(1)
      // Once completed, it is not ended again by anything else.
      expect((await webhook(requestId, OUTPUT)).body.result).not.toBe('settled')
    },
    SLOW,
  )

  it(
    'cancel while running: the take says cancelling, fal is asked, and the follower ends it cancelled',
    async () => {
      const fake = new FakeFal()
      const { take, requestId } = await queuedTake(fake)
      follower(fake.client())
      fake.progress(requestId, 'working')
      await whenTake('the take to run', take.id, (t) => t.status === 'IN_PROGRESS')

      const asked = await cancelTake(take.id, fake.client('api'))
      expect(asked.answer).toBe('cancelling')
      expect(fake.count('cancel', requestId)).toBe(1)
      const cancelling = await current(take.id)
      expect(cancelling.status).toBe('IN_PROGRESS')
      expect(takeViewOf(cancelling).cancelling).toBe(true)

      fake.fail(requestId, cancelledError())
      const done = await whenTake('the take to end', take.id, ended)
      expect(done).toMatchObject({ status: 'CANCELLED', billedUsd: null, error: { kind: 'request', errorType: 'client_cancelled' } })
      expect(takeViewOf(done).cancelling).toBe(false)
      expect(fake.count('result', requestId)).toBe(1)
      expect(keep.take).not.toHaveBeenCalled()
    },
    SLOW,
  )

  it(
    'cancel after fal finished: fal answers 400 ALREADY_COMPLETED, “cancelling” is cleared, and the take completes',
    async () => {
      const fake = new FakeFal()
      const { take, requestId } = await queuedTake(fake)
      follower(fake.client())
      fake.progress(requestId, 'working')
      await whenTake('the take to run', take.id, (t) => t.status === 'IN_PROGRESS')
      fake.resultGate = new Gate()
      fake.complete(requestId, OUTPUT)
      await until('the follower to fetch the result', () => fake.count('result', requestId) === 1)

      const asked = await cancelTake(take.id, fake.client('api'))
      expect(asked.answer).toBe('finished')
      expect(fake.count('cancel', requestId)).toBe(1)
      const cleared = await current(take.id)
      expect(cleared.cancelRequestedAt).toBeNull()
      expect(takeViewOf(cleared).cancelling).toBe(false)

      fake.resultGate.open()
      expect(await whenTake('the take to end', take.id, ended)).toMatchObject({ status: 'COMPLETED', output: OUTPUT, cancelRequestedAt: null })
    },
    SLOW,
  )

  it(
    'billed is what fal bills: fal’s billable units × the rate, stored with the units and the rate, the estimate beside it',
    async () => {
      const fake = new FakeFal()
      const { take, requestId } = await queuedTake(fake, 0.2016)
      follower(fake.client())
      // The output alone would be 112 MP ($0.2016): fal's word, 120 MP, is the bill, and above the estimate.
      fake.complete(requestId, OUTPUT, 120)
      const done = await whenTake('the take to complete', take.id, ended)
      expect(done).toMatchObject({ status: 'COMPLETED', estimateUsd: 0.2016, billedUsd: 0.216, billableUnits: 120, billedUnit: 'megapixel', billedRateUsd: 0.0018 })
      expect(takeViewOf(done)).toMatchObject({ estimateUsd: 0.2016, billedUsd: 0.216, billing: { basis: 'fal', units: 120, unit: 'megapixel', rateUsd: 0.0018 }, billedAboveEstimate: true })
    },
    SLOW,
  )

  it(
    'without billable units from fal, the bill is computed from the output and the take says so',
    async () => {
      const fake = new FakeFal()
      const { take, requestId } = await queuedTake(fake, 0.2016)
      follower(fake.client())
      fake.complete(requestId, OUTPUT)
      const done = await whenTake('the take to complete', take.id, ended)
      expect(done).toMatchObject({ billedUsd: 0.2016, billableUnits: null, billedUnit: null, billedRateUsd: null })
      expect(takeViewOf(done)).toMatchObject({ billing: { basis: 'output' }, billedAboveEstimate: false })
    },
    SLOW,
  )

  it(
    'a failed run is billed what fal states on its error answer, and nothing when fal states nothing',
    async () => {
      const fake = new FakeFal()
      const stated = await queuedTake(fake)
      const silent = await queuedTake(fake)
      follower(fake.client())
      const error = () => new ApiError({ message: 'Unprocessable', status: 422, body: { detail: [{ loc: ['body', 'prompt'], msg: 'bad prompt', type: 'value_error' }] } })
      fake.fail(stated.requestId, error(), 0)
      fake.fail(silent.requestId, error())
      expect(await whenTake('the stated take to fail', stated.take.id, ended)).toMatchObject({ status: 'FAILED', billedUsd: 0, billableUnits: 0, billedUnit: 'megapixel' })
      expect(await whenTake('the silent take to fail', silent.take.id, ended)).toMatchObject({ status: 'FAILED', billedUsd: null, billableUnits: null })
    },
    SLOW,
  )

  it(
    'a take settled by fal’s webhook (which states no units) is billed from its output, and says so',
    async () => {
      const fake = new FakeFal()
      const { take, requestId } = await queuedTake(fake, 0.2016)
      expect((await webhook(requestId, OUTPUT)).body.result).toBe('settled')
      const done = await current(take.id)
      expect(done).toMatchObject({ status: 'COMPLETED', billedUsd: 0.2016, billableUnits: null })
      expect(takeViewOf(done).billing).toEqual({ basis: 'output' })
    },
    SLOW,
  )

  it(
    'lease handover: a crashed follower’s takes pass to another once its leases lapse, never followed by both at once',
    async () => {
      const fake = new FakeFal()
      const leaseMs = 1500
      const all = await Promise.all(Array.from({ length: 3 }, () => queuedTake(fake)))
      const a = follower(fake.client('A'), { leaseMs })
      await until('A to follow every take', () => all.every(({ requestId }) => fake.openStreams(requestId).length === 1))
      for (const { requestId } of all) fake.progress(requestId, 'first line')
      for (const { take } of all) await whenTake('the first line', take.id, (t) => t.logs.length === 1)

      // While A lives it renews its leases: B, started now, takes nothing over.
      const b = follower(fake.client('B'), { leaseMs })
      await new Promise((resolve) => setTimeout(resolve, 2 * leaseMs))
      expect(b.size).toBe(0)
      expect(fake.calls.filter((call) => call.client === 'B')).toEqual([])
      expect(a.size).toBe(3)

      const crashedAt = Date.now()
      crash(a)
      expect(fake.openStreams()).toEqual([])
      await until('B to follow every take', () => all.every(({ requestId }) => fake.openStreams(requestId).some((stream) => stream.client === 'B')), 9000)
      const bFirst = Math.min(...fake.calls.filter((call) => call.client === 'B').map((call) => call.at))
      // Not before A's leases lapsed.
      expect(bFirst - crashedAt).toBeGreaterThanOrEqual(leaseMs - 500)
      expect(fake.openStreams().every((stream) => stream.client === 'B')).toBe(true)

      for (const { requestId } of all) {
        fake.progress(requestId, 'second line')
        fake.complete(requestId, OUTPUT)
      }
      for (const { take, requestId } of all) {
        const done = await whenTake('the take to complete', take.id, ended)
        expect(done.status).toBe('COMPLETED')
        // B's stream sent the first line again (every line is new to a new stream): kept once.
        expect(messagesOf(done)).toEqual(['first line', 'second line'])
        expect(fake.count('result', requestId, 'B')).toBe(1)
        expect(fake.count('result', requestId, 'A')).toBe(0)
        expect(downloadsOf(take.id)).toBe(1)
      }
      // A stream of A's never overlapped one of B's on the same take: A's all closed before B's first call.
      expect(fake.calls.filter((call) => call.client === 'A').every((call) => call.at <= crashedAt)).toBe(true)
    },
    SLOW,
  )

  it(
    'the change feed: a change to a take reaches watchChanges; lease renewals do not',
    async () => {
      const changes: Change[] = []
      const stop = await watchChanges((change) => changes.push(change))
      try {
        const take = await createTake({ endpointId: V2V, input: { prompt: 'feed' } })
        const of = () => changes.filter((change) => change.take === take.id)
        await until('the insert to be heard', () => of().length === 1)
        await (await getDb()).update(takes).set({ leaseOwner: 'someone', leaseExpiresAt: new Date(Date.now() + 60_000) }).where(inArray(takes.id, [take.id]))
        await updateTake(take.id, { status: 'IN_PROGRESS' })
        // Notifications arrive in commit order: had the lease published, it would be heard before this.
        await until('the status change to be heard', () => of().length >= 2)
        expect(of()).toEqual([{ take: take.id }, { take: take.id }])
      } finally {
        stop()
      }
    },
    SLOW,
  )

  it.runIf(backend.shared)(
    'the change feed across processes: another connection’s change to a take or a sweep reaches this one’s watchChanges',
    async () => {
      const changes: Change[] = []
      const stop = await watchChanges((change) => changes.push(change))
      const other = await openDb(processDb.config())
      try {
        const sweep = await createSweepRecord(
          { endpointId: V2V, input: { prompt: 'feed' }, axes: [{ field: 'guidance_scale', values: [2, 3] }], seed: '42', varySeed: false, concurrency: 1, cellCount: 2, estimateUsd: 0.2 },
          other.db,
        )
        const take = await createTake({ endpointId: V2V, input: { prompt: 'feed' }, sweep: { id: sweep.id, index: 0 } }, other.db)
        await updateTake(take.id, { queuePosition: 4 }, other.db)
        await until('the other connection’s changes to be heard', () => changes.filter((change) => change.take === take.id).length >= 2)
        expect(changes.filter((change) => change.take === take.id)).toEqual([
          { take: take.id, sweep: sweep.id },
          { take: take.id, sweep: sweep.id },
        ])
        expect(changes).toContainEqual({ sweep: sweep.id })
      } finally {
        stop()
        await other.close()
      }
    },
    SLOW,
  )
})
