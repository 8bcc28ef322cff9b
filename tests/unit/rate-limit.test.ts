import { randomBytes } from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { like } from 'drizzle-orm'
import { openDb, type Db } from '@/lib/db/client'
import { rateLimitCounts } from '@/lib/db/schema'
import { rateLimited } from '@/lib/http/rate-limit'
import { backends, SLOW, useTestDb } from './db-fixture'

const unique = (label: string) => `${label}-${randomBytes(6).toString('hex')}`

describe.each(backends)('rate limits on $name', (backend) => {
  const testDb = useTestDb(backend)
  const env = { TAKES_RATE_SUBMIT: '2', TAKES_RATE_LOGIN: '5' }

  it('allows the limit per key in a window, then 429 with Retry-After, and counts every key', async () => {
    const db = testDb.db()
    const key = unique('key')
    const now = Date.now()
    expect(await rateLimited('submit', [key, unique('a')], env, { now, db })).toBeNull()
    expect(await rateLimited('submit', [key, unique('b')], env, { now: now + 1, db })).toBeNull()
    const refused = await rateLimited('submit', [key], env, { now: now + 2, db })
    expect(refused?.status).toBe(429)
    expect(refused?.headers.get('retry-after')).toBe('60')
    expect(await refused?.json()).toEqual({ detail: 'Too many submits: at most 2 a minute. Try again in 60 s.', error_type: 'studio_rate_limited' })
    // A key with room is still refused when another key of the same request is full, and the refusal counts nothing.
    const fresh = unique('fresh')
    expect((await rateLimited('submit', [fresh, key], env, { now: now + 3, db }))?.status).toBe(429)
    expect(await rateLimited('submit', [fresh], env, { now: now + 4, db })).toBeNull()
    expect(await rateLimited('submit', [fresh], env, { now: now + 5, db })).toBeNull()
    // Retry-After counts down to the oldest counted second's last hit leaving the window; after it, the key has room again.
    expect((await rateLimited('submit', [key], env, { now: now + 30_001, db }))?.headers.get('retry-after')).toBe('30')
    expect(await rateLimited('submit', [key], env, { now: now + 60_001, db })).toBeNull()
    // Scopes count apart.
    expect(await rateLimited('login', [key], env, { now: now + 60_002, db })).toBeNull()
  })

  it(
    'lets exactly the limit through when requests race',
    async () => {
      const db = testDb.db()
      const key = unique('race')
      const now = Date.now()
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => rateLimited('login', [key, unique('other')], env, { now: now + i, db })))
      expect(answers.filter((answer) => answer === null)).toHaveLength(5)
      expect(answers.filter((answer) => answer?.status === 429)).toHaveLength(7)
    },
    SLOW,
  )

  it(
    'counts the hits that arrive while a count is under way together, in one statement',
    async () => {
      const db = testDb.db()
      const key = unique('batched')
      const now = Date.now()
      // The first count is held until released, as a slow round trip would be.
      let release = () => {}
      const held = new Promise<void>((resolve) => (release = resolve))
      const execute = db.execute.bind(db)
      const heldExecute = (async (query: Parameters<typeof execute>[0]) => {
        await held
        return execute(query)
      }) as unknown as typeof execute
      const statements = vi.spyOn(db, 'execute').mockImplementationOnce(heldExecute)
      try {
        const first = rateLimited('login', [key], env, { now, db })
        await vi.waitFor(() => expect(statements).toHaveBeenCalledTimes(1))
        // Seventy more, each in a turn of its own, while the first is under way: none goes yet.
        const later: Promise<Response | null>[] = []
        for (let i = 1; i <= 70; i++) {
          later.push(rateLimited('login', [key], env, { now: now + i, db }))
          await new Promise((resolve) => setImmediate(resolve))
        }
        expect(statements).toHaveBeenCalledTimes(1)
        release()
        const answers = await Promise.all([first, ...later])
        // Then they go 64 at a time, one call after the other, and each keeps its own answer, in order:
        // exactly the limit (5) goes.
        expect(statements).toHaveBeenCalledTimes(3)
        expect(answers.map((answer) => answer?.status ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', ...Array(66).fill(429)])
      } finally {
        statements.mockRestore()
      }
    },
    SLOW,
  )

  it('keeps keys only as hashes, and forgets hits once out of every window', async () => {
    const db = testDb.db()
    const cookie = `v2.${unique('session')}.signature`
    const now = Date.now()
    expect(await rateLimited('submit', [`session:${cookie}`], env, { now, db })).toBeNull()
    const rows = await db.select().from(rateLimitCounts)
    expect(rows.some((row) => row.key.includes(cookie) || row.key.includes('session'))).toBe(false)
    expect(rows.every((row) => /^(submit|upload|login):[A-Za-z0-9_-]{22}$/.test(row.key))).toBe(true)
    // Ten minutes on, any request prunes what no window holds any more.
    expect(await rateLimited('login', [unique('later')], env, { now: now + 600_000, db })).toBeNull()
    const left = await db.select().from(rateLimitCounts)
    expect(left.every((row) => row.lastAt.getTime() > now + 600_000 - 60_000)).toBe(true)
  })

  it('keeps a busy key to a row a second, and lets a second go only with its last hit', async () => {
    const db = testDb.db()
    const busy = { TAKES_RATE_UPLOAD: '1000' }
    const key = unique('busy')
    const start = Math.ceil(Date.now() / 1000) * 1000
    for (let i = 0; i < 300; i++) expect(await rateLimited('upload', [key], busy, { now: start + i * 10, db })).toBeNull()
    const rows = await db.select().from(rateLimitCounts).where(like(rateLimitCounts.key, 'upload:%'))
    expect(rows.reduce((sum, row) => sum + row.hits, 0)).toBe(300)
    expect(rows.length).toBe(3)

    // Three hits in one second fill a limit of three; a minute after the first, the later two still hold the second.
    const tight = { TAKES_RATE_SUBMIT: '3' }
    const held = unique('held')
    for (const at of [0, 500, 900]) expect(await rateLimited('submit', [held], tight, { now: start + at, db })).toBeNull()
    expect((await rateLimited('submit', [held], tight, { now: start + 60_600, db }))?.status).toBe(429)
    expect(await rateLimited('submit', [held], tight, { now: start + 60_901, db })).toBeNull()
  })

  it.runIf(backend.shared)(
    'counts the hits of every process on one PostgreSQL together',
    async () => {
      // A second pool on the same database and schema: another studio process, as far as the limits go.
      const other = await openDb(testDb.config())
      try {
        const dbs: Db[] = [testDb.db(), other.db]
        const key = unique('shared')
        const now = Date.now()
        expect(await rateLimited('submit', [key], env, { now, db: dbs[0] })).toBeNull()
        expect(await rateLimited('submit', [key], env, { now: now + 1, db: dbs[1] })).toBeNull()
        expect((await rateLimited('submit', [key], env, { now: now + 2, db: dbs[0] }))?.status).toBe(429)
        expect((await rateLimited('submit', [key], env, { now: now + 3, db: dbs[1] }))?.status).toBe(429)

        const raced = unique('raced')
        const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => rateLimited('login', [raced], env, { now: now + i, db: dbs[i % 2] })))
        expect(answers.filter((answer) => answer === null)).toHaveLength(5)
        const counted = await other.db.select().from(rateLimitCounts).where(like(rateLimitCounts.key, 'login:%'))
        expect(counted.reduce((sum, row) => sum + row.hits, 0)).toBeGreaterThanOrEqual(5)
      } finally {
        await other.close()
      }
    },
    SLOW,
  )
})
