import { describe, expect, it } from 'vitest'
import { openDb } from '@/lib/db/client'
import { createTake, createTakeWithinBudget, deleteTake, finishTake, spentSince, type CreateTakeInput } from '@/lib/db/queries'
import { backends, SLOW, useTestDb } from './db-fixture'

const DAY_START = new Date(Date.UTC(2000, 0, 1))
const CAP = 1
const ESTIMATE = 0.1

/** A daily-cap check as the spend guard makes it: refuse when the take would pass the cap. */
const overCap = (spent: number) => (spent + ESTIMATE > CAP + 1e-9 ? 'daily' : null)
const values: CreateTakeInput = { endpointId: 'fal-ai/test/ledger', input: { prompt: 'x' }, estimateUsd: ESTIMATE }

describe.each(backends)('the spend ledger on $name', (backend) => {
  const test = useTestDb(backend)

  it(
    '20 parallel submits near the daily cap never together pass the room left',
    async () => {
      const db = test.db()
      // 0.55 spent: room for exactly 4 takes of 0.10.
      await finishTake((await createTake({ ...values, estimateUsd: 0.55 }, db)).id, { status: 'COMPLETED', billedUsd: 0.55 }, db)
      const attempts = await Promise.all(Array.from({ length: 20 }, () => createTakeWithinBudget(values, DAY_START, overCap, db)))
      expect(attempts.filter((attempt) => 'take' in attempt)).toHaveLength(4)
      expect(attempts.filter((attempt) => 'refusal' in attempt)).toHaveLength(16)
      expect(await spentSince(DAY_START, db)).toBeCloseTo(0.95, 9)
    },
    SLOW,
  )

  it.runIf(backend.shared)(
    'two processes on one PostgreSQL, 10 submits each at once, share the same room',
    async () => {
      const other = await openDb(test.config())
      try {
        const db = test.db()
        const before = await spentSince(DAY_START, db)
        const room = Math.floor((CAP - before) / ESTIMATE + 1e-9)
        const attempts = await Promise.all(
          Array.from({ length: 20 }, (_, index) => createTakeWithinBudget(values, DAY_START, overCap, index % 2 ? other.db : db)),
        )
        expect(attempts.filter((attempt) => 'take' in attempt)).toHaveLength(room)
        expect(await spentSince(DAY_START, db)).toBeLessThanOrEqual(CAP + 1e-9)
      } finally {
        await other.close()
      }
    },
    SLOW,
  )

  it(
    'deleting a billed take does not lower the spend; a deleted running take counts until it ends',
    async () => {
      const db = test.db()
      const before = await spentSince(DAY_START, db)
      const billed = await createTake({ ...values, estimateUsd: 0.2 }, db)
      await finishTake(billed.id, { status: 'COMPLETED', billedUsd: 0.25 }, db)
      const running = await createTake({ ...values, estimateUsd: 0.3 }, db)
      expect(await spentSince(DAY_START, db)).toBeCloseTo(before + 0.55, 9)
      expect(await deleteTake(billed.id, db)).toBe(true)
      expect(await deleteTake(running.id, db)).toBe(true)
      expect(await spentSince(DAY_START, db)).toBeCloseTo(before + 0.55, 9)
      // The deleted take still ends (the follower follows it) and its bill replaces its estimate.
      expect(await finishTake(running.id, { status: 'COMPLETED', billedUsd: 0.35 }, db)).not.toBeNull()
      expect(await spentSince(DAY_START, db)).toBeCloseTo(before + 0.6, 9)
    },
    SLOW,
  )
})
