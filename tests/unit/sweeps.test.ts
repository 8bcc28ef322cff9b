import type { FalClient } from '@fal-ai/client'
import { ApiError } from '@fal-ai/client'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '@/lib/db/client'
import { createTake, finishTake, type Take } from '@/lib/db/queries'
import { claimRunningSweeps, createSweepRecord, endSweep, getSweep, listSweepTakes, reserveSweepCell, type CreateSweepInput } from '@/lib/db/sweep-queries'
import { checkSweepRequest } from '@/lib/sweeps/sweep-request'
import { backends, SLOW, uniqueEndpoint, useProcessDb, useTestDb } from './db-fixture'

const V2V = 'fal-ai/ltx-2-19b/video-to-video'
const PRO = 'fal-ai/ltx-2/image-to-video'
const BASE = { prompt: 'a lighthouse at dusk', video_url: 'https://v3.fal.media/files/x/clip.mp4' }
const STEPS_BY_GUIDANCE = [
  { field: 'num_inference_steps', values: [8, 20] },
  { field: 'guidance_scale', values: [2, 3.5, 5] },
]

describe('checkSweepRequest', () => {
  it('accepts a 2 × 3 sweep: six cells in row-major order, one shared seed, the base input kept', () => {
    const checked = checkSweepRequest({ endpointId: V2V, input: { ...BASE, seed: 42 }, axes: STEPS_BY_GUIDANCE, concurrency: 2, varySeed: false })
    if (!checked.ok) throw new Error(checked.problem.detail)
    const { inputs, seed } = checked.sweep
    expect(seed).toBe(42)
    expect(inputs.map((input) => [input.num_inference_steps, input.guidance_scale])).toEqual([
      [8, 2],
      [8, 3.5],
      [8, 5],
      [20, 2],
      [20, 3.5],
      [20, 5],
    ])
    expect(new Set(inputs.map((input) => input.seed))).toEqual(new Set([42]))
    expect(inputs.every((input) => input.prompt === BASE.prompt && input.video_url === BASE.video_url)).toBe(true)
  })

  it('picks one seed for every cell when the form has none, or one seed per cell when seeds vary', () => {
    const shared = checkSweepRequest({ endpointId: V2V, input: BASE, axes: STEPS_BY_GUIDANCE.slice(0, 1), concurrency: 2, varySeed: false })
    if (!shared.ok) throw new Error(shared.problem.detail)
    expect(typeof shared.sweep.seed).toBe('number')
    expect(shared.sweep.inputs.map((input) => input.seed)).toEqual([shared.sweep.seed, shared.sweep.seed])
    const varied = checkSweepRequest({ endpointId: V2V, input: { ...BASE, seed: 7 }, axes: STEPS_BY_GUIDANCE, concurrency: 2, varySeed: true })
    if (!varied.ok) throw new Error(varied.problem.detail)
    expect(new Set(varied.sweep.inputs.map((input) => input.seed)).size).toBe(6)
  })

  it('keeps a 64-bit seed digit for digit in every cell, and refuses a seed that is not a whole number', () => {
    const checked = checkSweepRequest({ endpointId: V2V, input: { ...BASE, seed: '1490631192028410600' }, axes: STEPS_BY_GUIDANCE, concurrency: 2, varySeed: true })
    if (!checked.ok) throw new Error(checked.problem.detail)
    expect(checked.sweep.seed).toBe('1490631192028410600')
    expect(checked.sweep.inputs.map((input) => input.seed)).toEqual(Array.from({ length: 6 }, (_, index) => `149063119202841060${index}`))
    const rounded = checkSweepRequest({ endpointId: V2V, input: { ...BASE, seed: 1.5 }, axes: STEPS_BY_GUIDANCE, concurrency: 2, varySeed: false })
    expect(rounded).toMatchObject({ ok: false, status: 400, problem: { field: 'seed' } })
  })

  it('sets no seed on an endpoint without one', () => {
    const checked = checkSweepRequest({
      endpointId: PRO,
      input: { prompt: 'a harbour', image_url: 'https://v3.fal.media/files/x/still.png' },
      axes: [{ field: 'duration', values: [6, 8] }],
      concurrency: 1,
      varySeed: false,
    })
    if (!checked.ok) throw new Error(checked.problem.detail)
    expect(checked.sweep.seed).toBeNull()
    expect(checked.sweep.inputs.map((input) => input.seed)).toEqual([undefined, undefined])
  })

  it.each([
    ['a value out of range, named on its field', { axes: [{ field: 'guidance_scale', values: [2, 20] }] }, 400, 'guidance_scale', /Take 2 \(guidance_scale = 20\)/],
    ['a field that cannot be swept', { axes: [{ field: 'prompt', values: ['a', 'b'] }] }, 400, 'axes', /cannot be swept/],
    ['a field swept twice', { axes: [STEPS_BY_GUIDANCE[0], STEPS_BY_GUIDANCE[0]] }, 400, 'axes', /swept twice/],
    ['a repeated value', { axes: [{ field: 'guidance_scale', values: [2, 2] }] }, 400, 'axes', /twice/],
    ['more than 36 takes', { axes: [{ field: 'num_frames', values: [9, 17, 25, 33, 41, 49, 57] }, { field: 'guidance_scale', values: [1, 2, 3, 4, 5, 6] }] }, 400, 'axes', /at most 36/],
    ['three axes', { axes: [STEPS_BY_GUIDANCE[0], STEPS_BY_GUIDANCE[1], { field: 'fps', values: [24] }] }, 400, 'axes', /At most 2/],
    ['no axis', { axes: [] }, 400, 'axes', /Pick a field/],
    ['concurrency 0', { axes: STEPS_BY_GUIDANCE, concurrency: 0 }, 400, 'concurrency', /./],
    ['an unknown endpoint', { endpointId: 'fal-ai/nope', axes: STEPS_BY_GUIDANCE }, 404, 'endpointId', /No such endpoint/],
  ])('refuses %s', (_name, patch, status, field, detail) => {
    const checked = checkSweepRequest({ endpointId: V2V, input: BASE, concurrency: 2, varySeed: false, ...patch })
    expect(checked.ok).toBe(false)
    if (checked.ok) return
    expect(checked.status).toBe(status)
    expect(checked.problem.field).toBe(field)
    expect(checked.problem.detail).toMatch(detail)
  })

  it('refuses a body that is not an object', () => {
    expect(checkSweepRequest('nope')).toMatchObject({ ok: false, status: 400 })
  })
})

const sweepRecord = (endpointId: string, patch: Partial<CreateSweepInput> = {}): CreateSweepInput => ({
  endpointId,
  input: BASE,
  axes: STEPS_BY_GUIDANCE,
  seed: '42',
  varySeed: false,
  concurrency: 2,
  cellCount: 6,
  estimateUsd: 1.2,
  ...patch,
})

describe.each(backends)('sweeps on $name', (backend) => {
  const testDb = useTestDb(backend)
  let db: Db
  beforeAll(() => {
    db = testDb.db()
  })

  it('reserves each cell once, in order, and none past the last', async () => {
    const sweep = await createSweepRecord(sweepRecord(uniqueEndpoint('reserve'), { cellCount: 2 }), db)
    expect(await reserveSweepCell(sweep, db)).toBe(0)
    // A stale view (another process reserved meanwhile) gets nothing.
    expect(await reserveSweepCell(sweep, db)).toBeNull()
    expect(await reserveSweepCell({ id: sweep.id, nextIndex: 1 }, db)).toBe(1)
    expect(await reserveSweepCell({ id: sweep.id, nextIndex: 2 }, db)).toBeNull()
    expect((await getSweep(sweep.id, db))?.nextIndex).toBe(2)
  })

  it('keeps one take per cell, lists them in cell order, and keeps takes when it ends', async () => {
    const endpointId = uniqueEndpoint('cells')
    const sweep = await createSweepRecord(sweepRecord(endpointId), db)
    await createTake({ endpointId, input: BASE, sweep: { id: sweep.id, index: 1 } }, db)
    await createTake({ endpointId, input: BASE, sweep: { id: sweep.id, index: 0 } }, db)
    await expect(createTake({ endpointId, input: BASE, sweep: { id: sweep.id, index: 0 } }, db)).rejects.toThrow()
    expect((await listSweepTakes(sweep.id, db)).map((take) => take.sweepIndex)).toEqual([0, 1])
    expect(await endSweep(sweep.id, 'STOPPED', db)).toMatchObject({ status: 'STOPPED' })
    expect(await endSweep(sweep.id, 'DONE', db)).toBeNull()
    // A stopped sweep reserves nothing more.
    expect(await reserveSweepCell({ id: sweep.id, nextIndex: 0 }, db)).toBeNull()
  })

  it('leases running sweeps to one owner at a time, and renews its own', async () => {
    const sweep = await createSweepRecord(sweepRecord(uniqueEndpoint('lease')), db)
    const mine = await claimRunningSweeps('owner-a', 60_000, 100, db)
    expect(mine.map((claimed) => claimed.id)).toContain(sweep.id)
    expect((await claimRunningSweeps('owner-b', 60_000, 100, db)).map((claimed) => claimed.id)).not.toContain(sweep.id)
    expect((await claimRunningSweeps('owner-a', 60_000, 100, db)).map((claimed) => claimed.id)).toContain(sweep.id)
    await endSweep(sweep.id, 'DONE', db)
    expect((await claimRunningSweeps('owner-b', 60_000, 100, db)).map((claimed) => claimed.id)).not.toContain(sweep.id)
  })
})

/** A fal client whose submits answer with request ids (or refuse `refused` cells); nothing else is called. */
function submittingClient(refused: (input: Record<string, unknown>) => boolean) {
  const submitted: Record<string, unknown>[] = []
  let next = 0
  const client = {
    queue: {
      submit: async (_endpointId: string, options: { input: Record<string, unknown> }) => {
        if (refused(options.input)) throw new ApiError({ message: 'Unprocessable', status: 422, body: { detail: [{ loc: ['body', 'guidance_scale'], msg: 'refused', type: 'value_error' }] } })
        submitted.push(options.input)
        next += 1
        return { request_id: `req-sweep-${next}-${Date.now()}`, queue_position: 0, status: 'IN_QUEUE' }
      },
    },
  }
  return { client: client as unknown as FalClient, submitted }
}

describe('the sweep runner', () => {
  useProcessDb()

  it(
    'keeps at most `concurrency` takes in flight, submits the next as one ends, records refusals, and ends the sweep',
    async () => {
      const { SweepRunner } = await import('@/lib/sweeps/sweep-runner')
      const checked = checkSweepRequest({ endpointId: V2V, input: { ...BASE, seed: 5 }, axes: STEPS_BY_GUIDANCE, concurrency: 2, varySeed: false })
      if (!checked.ok) throw new Error(checked.problem.detail)
      const { startSweep } = await import('@/lib/sweeps/start-sweep')
      const started = await startSweep(checked.sweep, { ...process.env, TAKES_BACKEND: 'local' })
      if (!started.ok) throw new Error(started.refusal.detail)
      const { sweep } = started
      const { client, submitted } = submittingClient((input) => input.guidance_scale === 5 && input.num_inference_steps === 20)
      const runner = new SweepRunner({ client })
      const finishAll = async (takes: Take[]) => {
        for (const take of takes) if (take.status === 'IN_QUEUE') await finishTake(take.id, { status: 'COMPLETED', completedAt: new Date() })
      }

      await runner.tick()
      let takes = await listSweepTakes(sweep.id)
      expect(takes.map((take) => take.sweepIndex)).toEqual([0, 1])
      expect(takes.every((take) => take.falRequestId && take.leaseOwner === null)).toBe(true)
      // Nothing ended: the next tick submits nothing.
      await runner.tick()
      expect(await listSweepTakes(sweep.id)).toHaveLength(2)

      for (let round = 0; round < 4; round++) {
        await finishAll(await listSweepTakes(sweep.id))
        await runner.tick()
      }
      takes = await listSweepTakes(sweep.id)
      expect(takes.map((take) => take.sweepIndex)).toEqual([0, 1, 2, 3, 4, 5])
      expect(submitted).toHaveLength(5)
      expect(takes[5]).toMatchObject({ status: 'FAILED', falRequestId: null, billedUsd: null })
      expect(takes[5]?.error?.kind).toBe('validation')
      expect(takes.map((take) => [take.input.num_inference_steps, take.input.guidance_scale, take.input.seed])).toEqual([
        [8, 2, 5],
        [8, 3.5, 5],
        [8, 5, 5],
        [20, 2, 5],
        [20, 3.5, 5],
        [20, 5, 5],
      ])
      // The sweep's total is the sum of the estimates its takes recorded.
      const recorded = takes.reduce((total, take) => total + (take.estimateUsd ?? 0), 0)
      expect(sweep.estimateUsd).toBeCloseTo(recorded, 10)
      expect((await getSweep(sweep.id))?.status).toBe('DONE')
      await runner.stop()
    },
    SLOW,
  )
})
