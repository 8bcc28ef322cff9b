import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDb, dbConfigFromEnv, getDb, openDb, type Db, type DbConfig, type OpenDb } from '@/lib/db/client'
import {
  advanceTake,
  claimUnfinishedTakes,
  createTake,
  deleteTake,
  getTake,
  getTakeByRequestId,
  getTakeByShareToken,
  getTakeEvenIfDeleted,
  InvalidCursorError,
  listTakes,
  releaseLease,
  renewLease,
  setShare,
  updateTake,
  type Take,
  type TakeStatus,
} from '@/lib/db/queries'
import { takes } from '@/lib/db/schema'
import { backends, dropSchemaOf, SLOW, tempDir, uniqueEndpoint } from './db-fixture'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const endpoint = uniqueEndpoint

describe('database configuration', () => {
  it('uses PGlite under ./data/db by default, and PostgreSQL for a postgres:// DATABASE_URL', () => {
    expect(dbConfigFromEnv({})).toEqual({ kind: 'pglite', dataDir: path.resolve('data/db') })
    expect(dbConfigFromEnv({ TAKES_DATA_DIR: '/srv/takes' })).toEqual({ kind: 'pglite', dataDir: '/srv/takes/db' })
    expect(dbConfigFromEnv({ TAKES_DATA_DIR: '/srv/takes', TAKES_DB_DIR: 'pg' })).toEqual({ kind: 'pglite', dataDir: path.resolve('pg') })
    expect(dbConfigFromEnv({ DATABASE_URL: 'postgres://u:p@h/db' })).toEqual({ kind: 'postgres', url: 'postgres://u:p@h/db' })
    expect(dbConfigFromEnv({ DATABASE_URL: 'postgresql://h/db' })).toEqual({ kind: 'postgres', url: 'postgresql://h/db' })
    expect(() => dbConfigFromEnv({ DATABASE_URL: 'mysql://h/db' })).toThrow(/postgres:\/\//)
  })

  it(
    'getDb opens the database from the environment once, creating and migrating it',
    async () => {
      const dir = path.join(await tempDir(), 'fresh', 'db')
      const saved = { TAKES_DB_DIR: process.env.TAKES_DB_DIR, DATABASE_URL: process.env.DATABASE_URL }
      process.env.TAKES_DB_DIR = dir
      delete process.env.DATABASE_URL
      try {
        const [first, second] = await Promise.all([getDb(), getDb()])
        expect(first).toBe(second)
        expect(await getDb()).toBe(first)
        const take = await createTake({ endpointId: 'fal-ai/ltx-2/image-to-video', input: { prompt: 'x' } })
        expect(await getTake(take.id)).toEqual(take)
        expect((await readdir(dir)).length).toBeGreaterThan(0)
        await closeDb()
        // Reopened: the migrations are not applied twice, and the take is still there.
        expect(await getTake(take.id)).toEqual(take)
      } finally {
        await closeDb()
        for (const [key, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[key]
          else process.env[key] = value
        }
      }
    },
    SLOW,
  )
})

describe.each(backends)('takes on $name', ({ config: makeConfig, shared }) => {
  let config: DbConfig
  let open: OpenDb
  let db: Db

  beforeAll(async () => {
    config = await makeConfig()
    open = await openDb(config)
    db = open.db
  }, SLOW)

  afterAll(async () => {
    await open?.close()
    if (config) await dropSchemaOf(config)
  }, SLOW)

  it('creates, reads and updates a take', async () => {
    const endpointId = endpoint('crud')
    const take = await createTake({ endpointId, input: { prompt: 'A lighthouse at dusk', duration: 6 }, estimateUsd: 0.36 }, db)
    expect(take.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(take).toMatchObject({
      endpointId,
      input: { prompt: 'A lighthouse at dusk', duration: 6 },
      status: 'IN_QUEUE',
      falRequestId: null,
      queuePosition: null,
      logs: [],
      output: null,
      error: null,
      estimateUsd: 0.36,
      billedUsd: null,
      shareToken: null,
      deletedAt: null,
      leaseOwner: null,
      leaseExpiresAt: null,
    })
    expect(take.createdAt).toBeInstanceOf(Date)
    expect(await getTake(take.id, db)).toEqual(take)
    expect(await getTake('no-such-take', db)).toBeNull()

    const requestId = `req-${randomBytes(8).toString('hex')}`
    const queued = await updateTake(take.id, { falRequestId: requestId, queuePosition: 3 }, db)
    expect(queued).toMatchObject({ falRequestId: requestId, queuePosition: 3, status: 'IN_QUEUE' })
    expect(queued!.updatedAt.getTime()).toBeGreaterThanOrEqual(take.updatedAt.getTime())
    expect(await getTakeByRequestId(requestId, db)).toEqual(queued)
    expect(await getTakeByRequestId('no-such-request', db)).toBeNull()

    const startedAt = new Date()
    await updateTake(take.id, { status: 'IN_PROGRESS', queuePosition: null, startedAt }, db)
    expect(await advanceTake(take.id, {}, [{ message: 'loading', level: 'INFO', timestamp: '2026-01-01T00:00:00Z' }], db)).not.toBeNull()
    expect(await advanceTake(take.id, {}, [{ message: 'step 1', level: 'INFO', timestamp: '2026-01-01T00:00:01Z' }, { message: 'step 2', level: 'INFO', timestamp: '2026-01-01T00:00:02Z' }], db)).not.toBeNull()
    expect(await advanceTake(take.id, {}, [], db)).not.toBeNull()
    expect(await advanceTake('no-such-take', {}, [{ message: 'x', level: 'INFO', timestamp: '' }], db)).toBeNull()

    const completedAt = new Date()
    const output = { video: { url: 'https://example.com/v.mp4', width: 1280, height: 704, num_frames: 121 }, seed: 7 }
    const done = await updateTake(take.id, { status: 'COMPLETED', output, billedUsd: 0.198, inferenceTime: 12.5, completedAt }, db)
    expect(done).toMatchObject({ status: 'COMPLETED', output, billedUsd: 0.198, inferenceTime: 12.5, queuePosition: null, startedAt, completedAt })
    expect(done!.logs.map((log) => log.message)).toEqual(['loading', 'step 1', 'step 2'])

    const failed = await createTake({ endpointId, input: { prompt: 'x' } }, db)
    const error = { kind: 'request', message: 'The model crashed while generating this take.', errorType: 'runner_server_error', retryable: true } as const
    expect(await updateTake(failed.id, { status: 'FAILED', error }, db)).toMatchObject({ status: 'FAILED', error })
    expect(await updateTake('no-such-take', { status: 'FAILED' }, db)).toBeNull()
  })

  it('refuses a second take with the same request id, and an unknown status', async () => {
    const requestId = `req-${randomBytes(8).toString('hex')}`
    await createTake({ endpointId: endpoint('unique'), input: { prompt: 'a' }, falRequestId: requestId }, db)
    await expect(createTake({ endpointId: endpoint('unique'), input: { prompt: 'b' }, falRequestId: requestId }, db)).rejects.toThrow()
    await expect(createTake({ endpointId: endpoint('unique'), input: { prompt: 'c' }, status: 'DONE' as TakeStatus }, db)).rejects.toThrow()
  })

  it('lists newest first, a page at a time, without repeats or gaps, even for equal timestamps', async () => {
    const endpointId = endpoint('pages')
    const base = Date.parse('2026-03-01T12:00:00.000Z')
    // 23 takes, in groups of three sharing one created_at (the last group has two).
    const created: Take[] = []
    for (let i = 0; i < 23; i++) {
      created.push(await createTake({ endpointId, input: { prompt: `take ${i}` }, createdAt: new Date(base + Math.floor(i / 3) * 1000) }, db))
    }

    const whole = await listTakes({ endpointId, limit: 100 }, db)
    expect(whole.nextCursor).toBeNull()
    expect(whole.takes).toHaveLength(23)
    const times = whole.takes.map((take) => take.createdAt.getTime())
    expect(times).toEqual([...times].sort((a, b) => b - a))

    for (const limit of [1, 4, 5, 22, 23]) {
      const seen: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const page: Awaited<ReturnType<typeof listTakes>> = await listTakes({ endpointId, limit, cursor }, db)
        expect(page.takes.length).toBeLessThanOrEqual(limit)
        seen.push(...page.takes.map((take) => take.id))
        cursor = page.nextCursor
        pages++
      } while (cursor)
      expect(seen).toEqual(whole.takes.map((take) => take.id))
      expect(pages).toBe(Math.ceil(23 / limit))
    }
    expect(new Set(whole.takes.map((take) => take.id))).toEqual(new Set(created.map((take) => take.id)))
  })

  it('keeps paging in place while new takes arrive', async () => {
    const endpointId = endpoint('arrivals')
    for (let i = 0; i < 6; i++) await createTake({ endpointId, input: { prompt: `old ${i}` }, createdAt: new Date(Date.parse('2026-02-01T00:00:00Z') + i) }, db)
    const first = await listTakes({ endpointId, limit: 3 }, db)
    await createTake({ endpointId, input: { prompt: 'newer' } }, db)
    const second = await listTakes({ endpointId, limit: 3, cursor: first.nextCursor }, db)
    expect([...first.takes, ...second.takes].map((take) => take.input.prompt)).toEqual(['old 5', 'old 4', 'old 3', 'old 2', 'old 1', 'old 0'])
    expect(second.nextCursor).toBeNull()
  })

  it('refuses a cursor it did not give out', async () => {
    for (const cursor of ['nonsense', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('["not a date","x"]').toString('base64url')]) {
      await expect(listTakes({ cursor }, db)).rejects.toBeInstanceOf(InvalidCursorError)
    }
  })

  it('filters by endpoint and status', async () => {
    const [a, b] = [endpoint('filter-a'), endpoint('filter-b')]
    const statuses: TakeStatus[] = ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED', 'COMPLETED']
    for (const [i, status] of statuses.entries()) {
      await createTake({ endpointId: i % 2 ? b : a, input: { prompt: `p${i}` }, status }, db)
    }
    const prompts = async (options: Parameters<typeof listTakes>[0]) => (await listTakes(options, db)).takes.map((take) => String(take.input.prompt)).sort()
    expect(await prompts({ endpointId: a })).toEqual(['p0', 'p2', 'p4'])
    expect(await prompts({ endpointId: b })).toEqual(['p1', 'p3', 'p5'])
    expect(await prompts({ endpointId: b, status: 'COMPLETED' })).toEqual(['p5'])
    expect(await prompts({ endpointId: a, status: ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED'] })).toEqual(['p0', 'p2'])
    expect(await prompts({ endpointId: a, status: [] })).toEqual([])
  })

  it('searches prompts case-insensitively, taking % and _ literally', async () => {
    const endpointId = endpoint('search')
    for (const prompt of ['A red fox at dawn', 'Red panda in the snow', '100% real_footage of a harbour', 'A blue whale']) {
      await createTake({ endpointId, input: { prompt } }, db)
    }
    await createTake({ endpointId, input: { image_url: 'https://example.com/a.png' } }, db)
    const found = async (search: string) => (await listTakes({ endpointId, search }, db)).takes.map((take) => String(take.input.prompt)).sort()
    expect(await found('RED')).toEqual(['A red fox at dawn', 'Red panda in the snow'])
    expect(await found('  fox ')).toEqual(['A red fox at dawn'])
    expect(await found('0% r')).toEqual(['100% real_footage of a harbour'])
    expect(await found('%')).toEqual(['100% real_footage of a harbour'])
    expect(await found('_')).toEqual(['100% real_footage of a harbour'])
    expect(await found('nothing like this')).toEqual([])
    expect(await found('   ')).toHaveLength(5)
    // Search and keyset pagination together.
    const first = await listTakes({ endpointId, search: 'a', limit: 2 }, db)
    const rest = await listTakes({ endpointId, search: 'a', limit: 10, cursor: first.nextCursor }, db)
    expect(first.takes.length + rest.takes.length).toBe(4)
  })

  it('deletes a take: hidden everywhere, its link dead, the row kept for the ledger', async () => {
    const take = await createTake({ endpointId: endpoint('delete'), input: { prompt: 'gone soon' } }, db)
    await setShare(take.id, true, db)
    expect(await deleteTake(take.id, db)).toBe(true)
    expect(await getTake(take.id, db)).toBeNull()
    expect((await listTakes({ endpointId: take.endpointId }, db)).takes).toEqual([])
    expect(await getTakeEvenIfDeleted(take.id, db)).toMatchObject({ id: take.id, shareToken: null, deletedAt: expect.any(Date) })
    expect(await deleteTake(take.id, db)).toBe(false)
    expect(await setShare(take.id, true, db)).toBeNull()
  })

  it('takes are private until shared; revoking is final, sharing again mints a new link', async () => {
    const take = await createTake({ endpointId: endpoint('share'), input: { prompt: 'shared' } }, db)
    expect(take.shareToken).toBeNull()
    const shared = await setShare(take.id, true, db)
    expect(shared?.shareToken).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect((await setShare(take.id, true, db))?.shareToken).toBe(shared?.shareToken)
    expect((await getTakeByShareToken(shared!.shareToken!, db))?.id).toBe(take.id)
    expect(await setShare(take.id, false, db)).toMatchObject({ id: take.id, shareToken: null })
    expect(await getTakeByShareToken(shared!.shareToken!, db)).toBeNull()
    const again = await setShare(take.id, true, db)
    expect(again?.shareToken).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(again?.shareToken).not.toBe(shared?.shareToken)
    expect(await getTakeByShareToken(shared!.shareToken!, db)).toBeNull()
    expect(await setShare('no-such-take', false, db)).toBeNull()
  })

  describe('leases for the server follower', () => {
    // Claims look at the whole table: each test starts from an empty one.
    const reset = async () => {
      await db.delete(takes)
    }

    it(
      'gives racing claimers disjoint sets that together cover every unfinished take',
      async () => {
        await reset()
        const endpointId = endpoint('race')
        const unfinished = new Set<string>()
        for (let i = 0; i < 40; i++) {
          const take = await createTake({ endpointId, input: { prompt: `race ${i}` }, status: i % 2 ? 'IN_PROGRESS' : 'IN_QUEUE', falRequestId: `race-${i}-${randomBytes(4).toString('hex')}` }, db)
          unfinished.add(take.id)
        }
        for (const status of ['COMPLETED', 'FAILED', 'CANCELLED'] as const) await createTake({ endpointId, input: { prompt: status }, status }, db)

        // On PostgreSQL each claimer has connections of its own, as separate server processes would.
        const others = shared ? await Promise.all(Array.from({ length: 3 }, () => openDb(config))) : []
        try {
          const dbs = [db, ...others.map((other) => other.db)]
          const claimers = Array.from({ length: 8 }, (_, i) => ({ owner: `server-${i}`, db: dbs[i % dbs.length]! }))
          const held = new Map<string, string>()
          for (let round = 0; round < 10; round++) {
            const claims = await Promise.all(claimers.map(({ owner, db: mine }) => claimUnfinishedTakes(owner, 60_000, 3, mine)))
            for (const [i, claimed] of claims.entries()) {
              for (const take of claimed) {
                expect(held.has(take.id), `${take.id} claimed twice`).toBe(false)
                expect(take.leaseOwner).toBe(claimers[i]!.owner)
                held.set(take.id, take.leaseOwner!)
              }
            }
            if (claims.every((claimed) => claimed.length === 0)) break
          }
          expect(new Set(held.keys())).toEqual(unfinished)
          expect(await claimUnfinishedTakes('late-server', 60_000, 100, db)).toEqual([])
        } finally {
          await Promise.all(others.map((other) => other.close()))
        }
      },
      SLOW,
    )

    it('lets another claim a take once its lease runs out, and not before', async () => {
      await reset()
      const endpointId = endpoint('expiry')
      const take = await createTake({ endpointId, input: { prompt: 'followed' }, falRequestId: `exp-${randomBytes(4).toString('hex')}` }, db)

      const [claimed] = await claimUnfinishedTakes('a', 400, 10, db)
      expect(claimed).toMatchObject({ id: take.id, leaseOwner: 'a' })
      expect(claimed!.leaseExpiresAt).toBeInstanceOf(Date)
      expect(await claimUnfinishedTakes('b', 60_000, 10, db)).toEqual([])

      await sleep(600)
      const [reclaimed] = await claimUnfinishedTakes('b', 60_000, 10, db)
      expect(reclaimed).toMatchObject({ id: take.id, leaseOwner: 'b' })
      expect(reclaimed!.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 30_000)
      // The lease moved on: the first owner can no longer renew it.
      expect(await renewLease('a', [take.id], 60_000, db)).toEqual([])
    })

    it('renews and releases leases of their owner only', async () => {
      await reset()
      const endpointId = endpoint('renew')
      const [one, two] = [await createTake({ endpointId, input: { prompt: '1' } }, db), await createTake({ endpointId, input: { prompt: '2' } }, db)]
      const claimed = await claimUnfinishedTakes('a', 100, 10, db)
      expect(claimed.map((take) => take.id).sort()).toEqual([one.id, two.id].sort())

      expect(await renewLease('b', [one.id], 60_000, db)).toEqual([])
      expect(await renewLease('a', [one.id], 60_000, db)).toEqual([one.id])
      expect(await renewLease('a', [], 60_000, db)).toEqual([])
      await sleep(150)
      // two's lease ran out, one's was renewed.
      expect((await claimUnfinishedTakes('b', 60_000, 10, db)).map((take) => take.id)).toEqual([two.id])

      expect(await releaseLease('a', [two.id], db)).toEqual([])
      expect(await releaseLease('a', [one.id], db)).toEqual([one.id])
      expect(await getTake(one.id, db)).toMatchObject({ leaseOwner: null, leaseExpiresAt: null })
      expect((await claimUnfinishedTakes('c', 60_000, 10, db)).map((take) => take.id)).toEqual([one.id])
      expect((await releaseLease('b', undefined, db)).sort()).toEqual([two.id])
      expect(await releaseLease('c', [], db)).toEqual([])
    })

    it('does not claim a take its submitter holds, nor finished takes; claims oldest first', async () => {
      await reset()
      const endpointId = endpoint('submitting')
      const t0 = Date.parse('2026-04-01T00:00:00Z')
      const submitting = await createTake({ endpointId, input: { prompt: 's' }, lease: { owner: 'submitter', ms: 60_000 }, createdAt: new Date(t0) }, db)
      expect(submitting.leaseOwner).toBe('submitter')
      const older = await createTake({ endpointId, input: { prompt: 'o' }, createdAt: new Date(t0 + 1000) }, db)
      const newer = await createTake({ endpointId, input: { prompt: 'n' }, createdAt: new Date(t0 + 2000) }, db)
      await createTake({ endpointId, input: { prompt: 'd' }, status: 'COMPLETED', createdAt: new Date(t0 - 1000) }, db)
      expect((await claimUnfinishedTakes('f', 60_000, 1, db)).map((take) => take.id)).toEqual([older.id])
      expect((await claimUnfinishedTakes('f', 60_000, 5, db)).map((take) => take.id)).toEqual([newer.id])
      expect(await claimUnfinishedTakes('f', 60_000, 0, db)).toEqual([])
      await releaseLease('submitter', [submitting.id], db)
      expect((await claimUnfinishedTakes('f', 60_000, 5, db)).map((take) => take.id)).toEqual([submitting.id])
    })
  })

  it.runIf(shared)(
    'migrates a new database once when several servers start together',
    async () => {
      const fresh = await makeConfig()
      const opened = await Promise.allSettled(Array.from({ length: 4 }, () => openDb(fresh)))
      const ok = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
      try {
        expect(opened.filter((result) => result.status === 'rejected')).toEqual([])
        const take = await createTake({ endpointId: endpoint('together'), input: { prompt: 'one schema' } }, ok[0]!.db)
        for (const other of ok) expect(await getTake(take.id, other.db)).toEqual(take)
      } finally {
        await Promise.all(ok.map((other) => other.close()))
        await dropSchemaOf(fresh)
      }
    },
    SLOW,
  )

  it(
    'reopens with its data, the migrations already applied',
    async () => {
      const take = await createTake({ endpointId: endpoint('reopen'), input: { prompt: 'kept' } }, db)
      await open.close()
      open = await openDb(config)
      db = open.db
      expect(await getTake(take.id, db)).toEqual(take)
    },
    SLOW,
  )
}, 20_000)
