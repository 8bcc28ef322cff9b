import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { TakeResult } from '@/components/takes/take-result'
import { TakeDetails } from '@/components/share/take-details'
import { createTake, deleteTake, finishTake, getTake, getTakeEvenIfDeleted, type Take } from '@/lib/db/queries'
import type { Db } from '@/lib/db/client'
import { KeepOutputError, type KeptOutput } from '@/lib/storage/keep-output'
import { copyRetryDelays, copyStateAfter, DEFAULT_COPY_RETRY_DELAYS_MS, OutputCopier, type KeepOutput } from '@/lib/takes/output-copy'
import { settleTake } from '@/lib/takes/settle-take'
import { takeViewOf, type TakeRecord } from '@/lib/takes/take-view'
import { backends, SLOW, uniqueEndpoint, useProcessDb, useTestDb } from './db-fixture'

// Output copies are retried until kept: settling never waits on more than one short attempt, the
// take completes playing fal's URL with its copy pending, and any process retries it with back-off.

const keep = vi.hoisted(() => ({ take: vi.fn(), deleted: vi.fn() }))
vi.mock('@/lib/storage/keep-output', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/storage/keep-output')>()),
  keepTakeOutput: keep.take,
  deleteTakeOutput: keep.deleted,
}))

const FAL_URL = 'https://v3.fal.media/files/x/out.mp4'
const output = { video: { url: FAL_URL, content_type: 'video/mp4' }, seed: 7 }
const keptFor = (id: string): KeptOutput => ({ videoKey: `${id}/video.mp4`, posterKey: `${id}/poster.jpg` })
const unreachable = () => Promise.reject(new KeepOutputError('Downloading https://v3.fal.media/files/x/out.mp4 failed: HTTP 503'))

/** A take fal finished whose copy failed `attempts` times so far, due for its next attempt now. */
async function pendingCopy(db: Db, attempts = 1): Promise<Take> {
  const take = await createTake({ endpointId: uniqueEndpoint('copy'), input: { prompt: 'copy' }, falRequestId: `req-${Math.random()}` }, db)
  const done = await finishTake(
    take.id,
    { status: 'COMPLETED', output, completedAt: new Date(), copyStatus: 'pending', copyAttempts: attempts, copyRetryAt: new Date(Date.now() - 1000), copyError: 'HTTP 503' },
    db,
  )
  return done!
}

describe('the copy setting and states', () => {
  it('TAKES_COPY_RETRY_MS lists the waits; unset, about an hour of back-off; malformed, refused by name', () => {
    expect(copyRetryDelays({ TAKES_COPY_RETRY_MS: '200, 500,0' })).toEqual([200, 500, 0])
    expect(copyRetryDelays({})).toBe(DEFAULT_COPY_RETRY_DELAYS_MS)
    expect(() => copyRetryDelays({ TAKES_COPY_RETRY_MS: 'soon' })).toThrow(/TAKES_COPY_RETRY_MS/)
    const total = DEFAULT_COPY_RETRY_DELAYS_MS.reduce((sum, delay) => sum + delay, 0)
    expect(total).toBeGreaterThan(45 * 60_000)
    expect(total).toBeLessThanOrEqual(60 * 60_000)
    expect(DEFAULT_COPY_RETRY_DELAYS_MS[0]).toBe(5_000)
  })

  it('an attempt ends kept, pending until the next wait, or failed after the last', () => {
    const failed = { ok: false as const, error: 'HTTP 503' }
    expect(copyStateAfter(1, { ok: true, kept: keptFor('t') }, [5])).toEqual({ ...keptFor('t'), copyStatus: 'kept', copyRetryAt: null, copyError: null })
    expect(copyStateAfter(1, { ok: true, kept: { videoKey: null, posterKey: null } }, [5]).copyStatus).toBeNull()
    expect(copyStateAfter(1, failed, [5, 15], 1000)).toEqual({ copyStatus: 'pending', copyRetryAt: new Date(1005), copyError: 'HTTP 503' })
    expect(copyStateAfter(2, failed, [5, 15], 1000)).toEqual({ copyStatus: 'pending', copyRetryAt: new Date(1015), copyError: 'HTTP 503' })
    expect(copyStateAfter(3, failed, [5, 15], 1000)).toEqual({ copyStatus: 'failed', copyRetryAt: null, copyError: 'HTTP 503' })
  })
})

describe('settling a take whose output cannot be copied yet', () => {
  useProcessDb()
  const saved = process.env.TAKES_COPY_RETRY_MS
  beforeAll(() => {
    process.env.TAKES_COPY_RETRY_MS = '60000,60000'
  })
  afterAll(() => {
    if (saved === undefined) delete process.env.TAKES_COPY_RETRY_MS
    else process.env.TAKES_COPY_RETRY_MS = saved
  })
  beforeEach(() => {
    keep.take.mockReset()
    keep.deleted.mockReset().mockResolvedValue(undefined)
  })

  it(
    'completes the take at once, playing fal’s URL, with its copy pending and the next attempt due',
    async () => {
      keep.take.mockImplementation(unreachable)
      const take = await createTake({ endpointId: uniqueEndpoint('settle'), input: { prompt: 'x' }, falRequestId: 'req-settle' })
      const before = Date.now()
      expect(await settleTake(take, { ok: true, output })).toBe('settled')
      expect(keep.take).toHaveBeenCalledTimes(1)
      const settled = (await getTake(take.id))!
      expect(settled).toMatchObject({ status: 'COMPLETED', copyStatus: 'pending', copyAttempts: 1, videoKey: null, copyError: expect.stringMatching(/HTTP 503/) })
      expect(settled.copyRetryAt!.getTime()).toBeGreaterThanOrEqual(before + 60_000)
      const view = takeViewOf(settled)
      expect(view).toMatchObject({ copyStatus: 'pending', videoUrl: FAL_URL })
      // A shared view shows kept copies only, and nothing of why a copy failed.
      expect(takeViewOf(settled, { token: 't' })).toMatchObject({ copyStatus: null, copyError: null, videoUrl: null })
    },
    SLOW,
  )

  it(
    'a copy made while settling is kept at once',
    async () => {
      keep.take.mockImplementation((id: string) => Promise.resolve(keptFor(id)))
      const take = await createTake({ endpointId: uniqueEndpoint('settle'), input: { prompt: 'x' }, falRequestId: 'req-kept' })
      await settleTake(take, { ok: true, output })
      const settled = (await getTake(take.id))!
      expect(settled).toMatchObject({ copyStatus: 'kept', copyAttempts: 1, copyRetryAt: null, ...keptFor(take.id) })
      expect(takeViewOf(settled).videoUrl).toBe(`/api/outputs/${take.id}/video.mp4`)
    },
    SLOW,
  )

  it(
    'a deleted take that was running is settled and billed, without a copy',
    async () => {
      const take = await createTake({ endpointId: uniqueEndpoint('settle'), input: { prompt: 'x' }, falRequestId: 'req-deleted' })
      await deleteTake(take.id)
      expect(await settleTake(take, { ok: true, output })).toBe('settled')
      expect(keep.take).not.toHaveBeenCalled()
      expect(await getTakeEvenIfDeleted(take.id)).toMatchObject({ status: 'COMPLETED', copyStatus: null })
    },
    SLOW,
  )
})

describe.each(backends)('the output copier on $name', (backend) => {
  const test = useTestDb(backend)
  const copier = (fake: KeepOutput, delays: readonly number[] = [0, 0, 0], options: { leaseMs?: number } = {}) =>
    new OutputCopier({ keep: fake, delays, db: test.db(), ...options })
  beforeEach(() => keep.deleted.mockReset().mockResolvedValue(undefined))

  it(
    'retries a pending copy when due until it is kept',
    async () => {
      const db = test.db()
      const take = await pendingCopy(db)
      let calls = 0
      const flaky: KeepOutput = async (id) => (++calls < 2 ? unreachable() : keptFor(id))
      const retrying = copier(flaky)

      const [second] = await retrying.runDue()
      expect(second).toMatchObject({ id: take.id, copyStatus: 'pending', copyAttempts: 2, copyError: expect.stringMatching(/HTTP 503/) })
      const [third] = await retrying.runDue()
      expect(third).toMatchObject({ id: take.id, copyStatus: 'kept', copyAttempts: 3, copyRetryAt: null, copyError: null, ...keptFor(take.id) })
      expect(await retrying.runDue()).toEqual([])
      expect(calls).toBe(2)
    },
    SLOW,
  )

  it(
    'waits for the next attempt’s time',
    async () => {
      const db = test.db()
      const take = await pendingCopy(db)
      const fake = vi.fn<KeepOutput>(unreachable)
      const retrying = copier(fake, [60_000, 60_000])
      const [ended] = await retrying.runDue()
      expect(ended).toMatchObject({ id: take.id, copyStatus: 'pending', copyAttempts: 2 })
      expect(ended!.copyRetryAt!.getTime()).toBeGreaterThan(Date.now() + 50_000)
      expect(await retrying.runDue()).toEqual([])
      expect(fake).toHaveBeenCalledTimes(1)
    },
    SLOW,
  )

  it(
    'after the last attempt the copy is failed, with why, and the take still plays fal’s URL',
    async () => {
      const db = test.db()
      const take = await pendingCopy(db, 3)
      const [ended] = await copier(unreachable, [0, 0, 0]).runDue()
      expect(ended).toMatchObject({ id: take.id, copyStatus: 'failed', copyAttempts: 4, copyRetryAt: null, copyError: expect.stringMatching(/HTTP 503/) })
      expect(takeViewOf(ended!)).toMatchObject({ copyStatus: 'failed', videoUrl: FAL_URL })
      expect(await copier(unreachable).runDue()).toEqual([])
    },
    SLOW,
  )

  it(
    'copiers racing (as processes do) make each due copy once',
    async () => {
      const db = test.db()
      const due = await Promise.all(Array.from({ length: 6 }, () => pendingCopy(db)))
      const fake = vi.fn<KeepOutput>(async (id) => keptFor(id))
      const results = await Promise.all(Array.from({ length: 3 }, () => copier(fake).runDue()))
      const copied = results.flat().map((take) => take!.id)
      expect(copied.sort()).toEqual(due.map((take) => take.id).sort())
      expect(fake).toHaveBeenCalledTimes(6)
    },
    SLOW,
  )

  it(
    'an attempt whose claim ran out is taken over, and its late answer changes nothing',
    async () => {
      const db = test.db()
      const take = await pendingCopy(db)
      let answer: (value: KeptOutput | PromiseLike<KeptOutput>) => void = () => {}
      const slow = copier(() => new Promise<KeptOutput>((resolve) => (answer = resolve)), [0, 0, 0], { leaseMs: 1 })
      const started = await slow.startDue()
      expect(started).toHaveLength(1)
      // The slow attempt's claim lapses; another process claims the copy and keeps it.
      await new Promise((resolve) => setTimeout(resolve, 20))
      const [kept] = await copier(async (id) => keptFor(id)).runDue()
      expect(kept).toMatchObject({ id: take.id, copyStatus: 'kept', copyAttempts: 3 })
      answer({ videoKey: `${take.id}/video.webm`, posterKey: null })
      expect(await started[0]).toBeNull()
      expect(await getTake(take.id, db)).toMatchObject({ copyStatus: 'kept', copyAttempts: 3, videoKey: `${take.id}/video.mp4` })
    },
    SLOW,
  )

  it(
    'a deleted take’s copy is not retried; one kept while the take was deleted is removed',
    async () => {
      const db = test.db()
      const gone = await pendingCopy(db)
      await deleteTake(gone.id, db)
      const fake = vi.fn<KeepOutput>(async (id) => keptFor(id))
      expect((await copier(fake).runDue()).map((take) => take?.id)).not.toContain(gone.id)
      expect(fake).not.toHaveBeenCalledWith(gone.id, expect.anything(), undefined)

      const racing = await pendingCopy(db)
      const deleting = copier(async (id) => {
        await deleteTake(id, db)
        return keptFor(id)
      })
      expect(await deleting.runDue()).toEqual([null])
      expect(keep.deleted).toHaveBeenCalledWith(racing.id)
    },
    SLOW,
  )
})

describe('what the pages say about the copy', () => {
  const base = { output, inputs: [] }
  const shown = (copyStatus: 'pending' | 'kept' | 'failed' | null) => renderToStaticMarkup(createElement(TakeResult, { ...base, copyStatus }))

  it('the playground’s result says “copy pending” while retrying and “copy failed” after, and plays fal’s URL', () => {
    expect(shown('pending')).toContain('Copy pending')
    expect(shown('pending')).toContain(`src="${FAL_URL}"`)
    expect(shown('failed')).toContain('Copy failed')
    expect(shown('kept')).not.toMatch(/Copy (pending|failed)/)
    expect(shown(null)).not.toMatch(/Copy (pending|failed)/)
  })

  it('the take page says the copy failed, and why', () => {
    const html = renderToStaticMarkup(createElement(TakeDetails, { take: takeViewOf(failedCopyRecord()) }))
    expect(html).toContain('Copy failed')
    expect(html).toContain('HTTP 503')
  })
})

/** A finished take as the pages get it, its copy failed (no database needed). */
function failedCopyRecord(): TakeRecord {
  const now = new Date()
  return {
    id: 'take-1', endpointId: 'fal-ai/test/view', input: { prompt: 'x' }, falRequestId: 'req', status: 'COMPLETED', queuePosition: null,
    logs: [], output, error: null, estimateUsd: null, billedUsd: null, inferenceTime: null, createdAt: now, startedAt: now, completedAt: now,
    shareToken: null, sweepId: null, videoKey: null, posterKey: null, copyStatus: 'failed', copyError: 'HTTP 503', cancelRequestedAt: null, followMode: null,
  }
}
