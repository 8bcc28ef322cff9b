import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { inArray } from 'drizzle-orm'
import { getDb } from '@/lib/db/client'
import { getChain } from '@/lib/db/chain-queries'
import { createTake, deleteTake, getTake, listTakes, updateTake } from '@/lib/db/queries'
import { takes, UNFINISHED_STATUSES } from '@/lib/db/schema'
import { submitTake } from '@/lib/takes/submit-take'
import { takeViewOf } from '@/lib/takes/take-view'
import { backends, uniqueEndpoint, useTestDb } from './db-fixture'
import { FakeFal } from './helpers/fake-fal'
import { useProcessDbOn } from './helpers/process-db'

// Shot chains in the database: a take's whole chain from any of its takes, history's chain filter,
// and the take service recording a parent only when it exists and has completed.

describe.each(backends)('chain queries on $name', (backend) => {
  const testDb = useTestDb(backend)

  //   root ─ a ─ a1
  //        └ b
  //   other (another chain)
  async function chains() {
    const db = testDb.db()
    const endpointId = uniqueEndpoint('chain')
    const make = (parentTakeId?: string) => createTake({ endpointId, input: { prompt: 'p' }, status: 'COMPLETED', parentTakeId }, db)
    const root = await make()
    const a = await make(root.id)
    const b = await make(root.id)
    const a1 = await make(a.id)
    const other = await make()
    const otherChild = await make(other.id)
    return { db, endpointId, root, a, b, a1, other, otherChild }
  }
  const sorted = (list: { id: string }[]) => list.map((take) => take.id).sort()

  it('finds the whole chain from any of its takes, and nothing of another chain', async () => {
    const { db, root, a, b, a1, other, otherChild } = await chains()
    const whole = [root.id, a.id, b.id, a1.id].sort()
    for (const member of [root, a, b, a1]) expect(sorted(await getChain(member.id, db))).toEqual(whole)
    expect(sorted(await getChain(otherChild.id, db))).toEqual([other.id, otherChild.id].sort())
    expect(await getChain('no-such-take', db)).toEqual([])
    expect(a1.parentTakeId).toBe(a.id)
    expect(takeViewOf(a1).parentTakeId).toBe(a.id)
    expect(takeViewOf(root).parentTakeId).toBeNull()
    // A shared view names no parent.
    expect(takeViewOf(a1, { token: 't' }).parentTakeId).toBeNull()
  })

  it('filters history to a chain, with the other filters, and hides deleted takes', async () => {
    const { db, endpointId, root, a, b, a1 } = await chains()
    expect(sorted((await listTakes({ chain: a1.id }, db)).takes)).toEqual([root.id, a.id, b.id, a1.id].sort())
    expect(sorted((await listTakes({ chain: b.id, endpointId }, db)).takes)).toEqual([root.id, a.id, b.id, a1.id].sort())
    await updateTake(b.id, { status: 'FAILED' }, db)
    expect(sorted((await listTakes({ chain: root.id, status: 'FAILED' }, db)).takes)).toEqual([b.id])
    await deleteTake(a.id, db)
    // The deleted take is hidden; its child still belongs to the chain through it.
    expect(sorted((await listTakes({ chain: a1.id }, db)).takes)).toEqual([root.id, b.id, a1.id].sort())
    expect(sorted(await getChain(root.id, db))).toEqual([root.id, b.id, a1.id].sort())
    expect((await listTakes({ chain: 'no-such-take' }, db)).takes).toEqual([])
  })
})

const V2V = 'fal-ai/ltx-2-19b/video-to-video'
const VIDEO = `https://studio.example/api/local-fal/files/${randomUUID()}`

function localEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TAKES_BACKEND: 'local', TAKES_PUBLIC_URL: 'https://studio.example' }
  for (const name of ['TAKES_DAILY_USD', 'TAKES_MAX_TAKE_USD', 'TAKES_LOCAL_FAL_URL', 'FAL_KEY']) delete env[name]
  return env
}

afterEach(async () => {
  // Nothing this file submits is followed: end it, so no later test's follower picks it up.
  await (await getDb()).update(takes).set({ status: 'FAILED', leaseOwner: null, leaseExpiresAt: null }).where(inArray(takes.status, [...UNFINISHED_STATUSES]))
})

describe.each(backends)('a continued take’s submit on $name', (backend) => {
  useProcessDbOn(backend)

  it('records the parent it names once the parent has completed', async () => {
    const parent = await createTake({ endpointId: V2V, input: { prompt: 'parent' }, status: 'COMPLETED' })
    const fake = new FakeFal()
    const result = await submitTake({ endpointId: V2V, input: { prompt: `child ${randomUUID()}`, video_url: VIDEO }, parentTakeId: parent.id }, { client: fake.client(), env: localEnv() })
    if (result.outcome !== 'queued') throw new Error(`not queued: ${result.outcome}`)
    expect((await getTake(result.take.id))?.parentTakeId).toBe(parent.id)
    // The parent is the studio's: nothing of it reaches fal.
    expect(JSON.stringify(fake.submits)).not.toContain(parent.id)
  })

  it('refuses a parent that does not exist, has not completed or is malformed, recording and submitting nothing', async () => {
    const running = await createTake({ endpointId: V2V, input: { prompt: 'running' }, status: 'IN_PROGRESS' })
    const failed = await createTake({ endpointId: V2V, input: { prompt: 'failed' }, status: 'FAILED' })
    for (const parentTakeId of ['no-such-take', running.id, failed.id, 'bad id!']) {
      const fake = new FakeFal()
      const prompt = `refused ${randomUUID()}`
      const result = await submitTake({ endpointId: V2V, input: { prompt, video_url: VIDEO }, parentTakeId }, { client: fake.client(), env: localEnv() })
      expect(result.outcome).toBe('invalid')
      if (result.outcome === 'invalid') expect(result.details[0]?.loc).toEqual(['header', 'x-takes-parent-take'])
      expect(fake.submits).toHaveLength(0)
      expect((await listTakes({ search: prompt })).takes).toHaveLength(0)
    }
  })
})
