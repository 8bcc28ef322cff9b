import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { closeDb, openDb } from '@/lib/db/client'
import { claimEmbeddedData, DirBusyError, embeddedDataDirs, lockDirectory, PID_FILE, StudioRefusedError, studioUrl } from '@/lib/db/data-dir-lock'
import { listTakes } from '@/lib/db/queries'
import { recordedSimulatorUrl } from '@/lib/db/simulator-queries'
import { claimSimulator, releaseSimulatorClaim } from '@/lib/local-fal/simulator-claim'
import { onTestDatabase, SLOW, tempDir, testDatabaseUrl } from './db-fixture'

// One studio per embedded database: the data directory is held by a live process, refused to any
// other, and free again the moment its holder dies (kill -9 included).

const children: ChildProcess[] = []

/** Runs tests/unit/helpers/data-dir-holder.ts in another process; resolves once it says `ready`. */
async function otherProcess(mode: 'hold' | 'write', dataDir: string, ready: string, dbDir?: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', path.join('tests', 'unit', 'helpers', 'data-dir-holder.ts'), mode, dataDir, ...(dbDir ? [dbDir] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes(ready)) resolve()
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => reject(new Error(`the other process exited with ${code}: ${output}`)))
  })
  return child
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

afterEach(async () => {
  await Promise.all(children.splice(0).map(killHard))
})

const me = { pid: process.pid, url: 'http://127.0.0.1:3000' }

describe('the data directory lock', () => {
  it('holding a directory this process holds gives the same lock; released, it is free again', async () => {
    const dir = await tempDir()
    const first = await lockDirectory(dir, me)
    expect(await lockDirectory(dir, me)).toBe(first)
    await first.release()
    const again = await lockDirectory(dir, me)
    expect(again).not.toBe(first)
    await again.release()
  })

  it(
    'a second process is refused, told who holds the data and how to run several; after kill -9 the data is free at once',
    async () => {
      const dataDir = await tempDir()
      const holder = await otherProcess('hold', dataDir, 'held')
      expect(readFileSync(path.join(dataDir, PID_FILE), 'utf8').trim()).toBe(String(holder.pid))

      const refused = await claimEmbeddedData({ TAKES_DATA_DIR: dataDir }).catch((error: unknown) => error)
      expect(refused).toBeInstanceOf(StudioRefusedError)
      const message = (refused as Error).message
      expect(message).toContain(`pid ${holder.pid}, http://127.0.0.1:3999`)
      expect(message).toContain(dataDir)
      expect(message).toMatch(/DATABASE_URL=postgres:\/\//)
      // The refused claim left nothing behind: not even the pid file it would have written.
      expect(readFileSync(path.join(dataDir, PID_FILE), 'utf8').trim()).toBe(String(holder.pid))

      await killHard(holder)
      const started = Date.now()
      const locks = await claimEmbeddedData({ TAKES_DATA_DIR: dataDir })
      expect(Date.now() - started).toBeLessThan(1000)
      expect(readFileSync(path.join(dataDir, PID_FILE), 'utf8').trim()).toBe(String(process.pid))
      await Promise.all(locks.map((lock) => lock.release()))
    },
    SLOW,
  )

  it(
    'the database directory is held as well when TAKES_DB_DIR puts it outside the data directory',
    async () => {
      const [dataDir, elsewhere, otherData] = [await tempDir(), await tempDir(), await tempDir()]
      expect(embeddedDataDirs({ TAKES_DATA_DIR: dataDir })).toEqual([dataDir])
      expect(embeddedDataDirs({ TAKES_DATA_DIR: dataDir, TAKES_DB_DIR: path.join(dataDir, 'pg') })).toEqual([dataDir])
      expect(embeddedDataDirs({ TAKES_DATA_DIR: dataDir, TAKES_DB_DIR: elsewhere })).toEqual([dataDir, elsewhere])
      expect(embeddedDataDirs({ TAKES_DATA_DIR: dataDir, DATABASE_URL: 'postgres://h/db' })).toEqual([])

      const holder = await otherProcess('hold', dataDir, 'held', elsewhere)
      // Another data directory, yet the same database: refused too.
      const refused = await lockDirectory(elsewhere, me).catch((error: unknown) => error)
      expect(refused).toBeInstanceOf(DirBusyError)
      expect((refused as DirBusyError).holder).toEqual({ pid: holder.pid, url: 'http://127.0.0.1:3999' })
      await killHard(holder)
      const locks = await claimEmbeddedData({ TAKES_DATA_DIR: otherData, TAKES_DB_DIR: elsewhere })
      expect(locks.map((lock) => lock.dir)).toHaveLength(2)
      await Promise.all(locks.map((lock) => lock.release()))
    },
    SLOW,
  )

  it(
    'an embedded database killed with kill -9 in the middle of writes opens again, every committed take there',
    async () => {
      const dataDir = await tempDir()
      const writer = await otherProcess('write', dataDir, 'writing')
      // Let it write for a while, then kill it mid-statement.
      await new Promise((resolve) => setTimeout(resolve, 1500))
      await killHard(writer)
      const open = await openDb({ kind: 'pglite', dataDir: path.join(dataDir, 'db') })
      try {
        const { takes } = await listTakes({ endpointId: 'fal-ai/test/crash', limit: 200 }, open.db)
        expect(takes.length).toBeGreaterThan(0)
      } finally {
        await open.close()
      }
    },
    // Opening the database twice, on a loaded machine.
    2 * SLOW,
  )

  it('names the studio by its public URL, else by the address it listens on', () => {
    expect(studioUrl({ TAKES_PUBLIC_URL: 'https://takes.example/', PORT: '80' })).toBe('https://takes.example')
    expect(studioUrl({ PORT: '3100' })).toBe('http://127.0.0.1:3100')
    expect(studioUrl({ HOSTNAME: '0.0.0.0', PORT: '3100' })).toBe('http://127.0.0.1:3100')
    expect(studioUrl({ HOSTNAME: '::1' })).toBe('http://[::1]:3000')
  })
})

describe.runIf(testDatabaseUrl)('one simulator per PostgreSQL database', () => {
  const database = `takes_simulator_${randomBytes(4).toString('hex')}`
  const url = testDatabaseUrl ? Object.assign(new URL(testDatabaseUrl), { pathname: `/${database}` }).toString() : ''
  const saved = process.env.DATABASE_URL
  beforeAll(async () => {
    await onTestDatabase(`create database ${database}`)
    // The simulator's address is recorded in the process's own database.
    process.env.DATABASE_URL = url
  }, SLOW)
  afterAll(async () => {
    await releaseSimulatorClaim()
    await closeDb()
    if (saved === undefined) delete process.env.DATABASE_URL
    else process.env.DATABASE_URL = saved
    await onTestDatabase(`drop database if exists ${database} with (force)`)
  }, SLOW)

  it(
    'the first studio runs it and records where; another is refused and told how to use it; once the first lets go, another may',
    async () => {
      await claimSimulator(await tempDir(), { DATABASE_URL: url, PORT: '3100' })

      const refused = await claimSimulator(await tempDir(), { DATABASE_URL: url, PORT: '3101' }).catch((error: unknown) => error)
      expect(refused).toBeInstanceOf(StudioRefusedError)
      expect((refused as Error).message).toContain('already runs the local simulator at http://127.0.0.1:3100/api/local-fal')
      expect((refused as Error).message).toContain('TAKES_LOCAL_FAL_URL=http://127.0.0.1:3100/api/local-fal')

      // A studio that ends (kill -9 included) closes its connection, and PostgreSQL lets go of its lock.
      await releaseSimulatorClaim()
      await claimSimulator(await tempDir(), { DATABASE_URL: url, PORT: '3101' })
      await vi.waitFor(async () => expect(await recordedSimulatorUrl()).toBe('http://127.0.0.1:3101/api/local-fal'), { timeout: 10_000 })
    },
    SLOW,
  )
})
