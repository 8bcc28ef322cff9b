import 'server-only'
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, realpathSync, unlinkSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { settingsOf, type Env } from '@/lib/settings'
import { dbConfigFromEnv } from './client'

// One studio process per embedded database. PGlite is PostgreSQL in one process: a second process
// opening the same files corrupts them. So the studio server (not the tests, not scripts) holds its
// data directory for as long as it lives: it listens on a local socket named after the directory,
// which only one process can do at a time, and which the system frees the moment that process
// ends, kill -9 included (no stale lock to clear by hand). A refused process asks the holder, over
// that socket, who it is.

/** Who holds a directory, as the holder answers. */
export interface DirHolder {
  pid: number
  /** Where the holder serves the studio, when known. */
  url: string | null
}

export interface DirLock {
  /** The directory held, resolved (symbolic links followed). */
  dir: string
  release(): Promise<void>
}

/** This process may not start: another one holds what it needs. The message says who and what to do. */
export class StudioRefusedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StudioRefusedError'
  }
}

/** A directory another live process holds. */
export class DirBusyError extends StudioRefusedError {
  constructor(
    readonly dir: string,
    readonly holder: DirHolder | null,
  ) {
    super(`${dir} is in use by ${holder ? describeHolder(holder) : 'another process'}.`)
    this.name = 'DirBusyError'
  }
}

export function describeHolder(holder: DirHolder): string {
  return `another Takes studio (pid ${holder.pid}${holder.url ? `, ${holder.url}` : ''})`
}

/** Written in a held directory for people (`cat data/takes.pid`); the socket, not this file, is the lock. */
export const PID_FILE = 'takes.pid'

/** A holder busy starting up on a loaded machine may take a moment to answer. */
const ASK_TIMEOUT_MS = 5000
const LISTEN_ATTEMPTS = 5

/**
 * The socket that stands for a directory: on Linux a name in the abstract namespace (no file; the
 * kernel frees it with its process); on Windows a named pipe (the same); elsewhere a socket file
 * in the temporary directory, which a dead holder leaves behind and the next process clears once
 * nobody answers on it.
 */
export function lockAddress(realDir: string, platform: NodeJS.Platform = process.platform): { address: string; isFile: boolean } {
  const id = createHash('sha256').update(realDir).digest('hex')
  if (platform === 'linux') return { address: `\0takes-${id}`, isFile: false }
  if (platform === 'win32') return { address: `\\\\.\\pipe\\takes-${id}`, isFile: false }
  // A socket file's path has room for about 100 bytes.
  return { address: path.join(os.tmpdir(), `takes-${id.slice(0, 24)}.sock`), isFile: true }
}

function listen(server: net.Server, address: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      if (error.code === 'EADDRINUSE') resolve(false)
      else reject(error)
    }
    const onListening = () => {
      server.off('error', onError)
      resolve(true)
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(address)
  })
}

function parseHolder(text: string): DirHolder | null {
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value !== 'object' || value === null) return null
    const { pid, url } = value as { pid?: unknown; url?: unknown }
    if (typeof pid !== 'number' || !Number.isInteger(pid)) return null
    return { pid, url: typeof url === 'string' ? url : null }
  } catch {
    return null
  }
}

/**
 * Asks whoever listens on `address` who it is: 'gone' when nobody does (the holder just ended, or
 * left a socket file behind), null when something answers but not in time or not as a studio does.
 */
function askHolder(address: string): Promise<DirHolder | 'gone' | null> {
  return new Promise((resolve) => {
    let text = ''
    let connected = false
    const socket = net.connect(address)
    socket.setEncoding('utf8')
    socket.setTimeout(ASK_TIMEOUT_MS, () => socket.destroy())
    socket.on('connect', () => (connected = true))
    socket.on('data', (chunk: string) => {
      text += chunk
      if (text.length > 4096) socket.destroy()
    })
    socket.on('error', () => {})
    socket.on('close', () => resolve(connected ? parseHolder(text) : 'gone'))
  })
}

/** The pid a holder wrote in `dir`, for when it did not answer in time. */
function pidFileHolder(dir: string): DirHolder | null {
  try {
    const pid = Number(readFileSync(path.join(dir, PID_FILE), 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 ? { pid, url: null } : null
  } catch {
    return null
  }
}

function removePidFile(dir: string) {
  const file = path.join(dir, PID_FILE)
  try {
    if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file)
  } catch {
    // not there, or not ours
  }
}

// On globalThis: Next may load this module more than once in one process.
const HELD = Symbol.for('takes.heldDirs')
type Registry = { [HELD]?: Map<string, Promise<DirLock>> }

/**
 * Holds `dir` for this process, answering `me` to whoever asks; DirBusyError when another live
 * process holds it. With `pidFile`, also writes the holder's pid in `dir/takes.pid`. Holding a
 * directory this process holds already gives the same lock.
 */
export function lockDirectory(dir: string, me: DirHolder, options: { pidFile?: boolean } = {}): Promise<DirLock> {
  mkdirSync(dir, { recursive: true })
  const real = realpathSync(dir)
  const held = ((globalThis as Registry)[HELD] ??= new Map())
  let lock = held.get(real)
  if (!lock) {
    lock = listenFor(real, me, options, () => held.delete(real))
    held.set(real, lock)
    lock.catch(() => held.delete(real))
  }
  return lock
}

async function listenFor(real: string, me: DirHolder, options: { pidFile?: boolean }, forget: () => void): Promise<DirLock> {
  const { address, isFile } = lockAddress(real)
  const server = net.createServer((socket) => {
    socket.on('error', () => {})
    socket.end(JSON.stringify(me))
  })
  for (let attempt = 1; ; attempt++) {
    if (await listen(server, address)) break
    const holder = await askHolder(address)
    if (holder !== 'gone' || attempt >= LISTEN_ATTEMPTS) throw new DirBusyError(real, holder === 'gone' ? null : (holder ?? pidFileHolder(real)))
    if (isFile) {
      try {
        unlinkSync(address)
      } catch {
        // another starting process cleared it first
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20 * attempt))
  }
  // The lock must not keep a process alive that has nothing else to do.
  server.unref()
  if (options.pidFile) writeFileSync(path.join(real, PID_FILE), `${process.pid}\n`)
  const cleanUp = () => {
    if (options.pidFile) removePidFile(real)
    if (isFile) {
      try {
        unlinkSync(address)
      } catch {
        // already gone
      }
    }
  }
  process.once('exit', cleanUp)
  return {
    dir: real,
    release: () =>
      new Promise<void>((resolve) => {
        forget()
        process.off('exit', cleanUp)
        // A file socket is unlinked by close() itself.
        server.close(() => resolve())
        if (options.pidFile) removePidFile(real)
      }),
  }
}

/** Where this studio serves, for a refused process to name: its public URL, else its own address. */
export function studioUrl(env: Env = process.env): string {
  const { publicUrl, hostname, port } = settingsOf(env)
  if (publicUrl) return publicUrl
  const host = hostname && !['0.0.0.0', '::', '[::]'].includes(hostname) ? hostname : '127.0.0.1'
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`
}

/** The data directory: the database (`db/`), the simulator (`local-fal/`) and output copies (`outputs/`). */
export function dataDirOf(env: Env = process.env): string {
  // Data, not code: the build's file tracing must not follow this path.
  return path.resolve(/* turbopackIgnore: true */ settingsOf(env).dataDir)
}

function isWithin(dir: string, parent: string): boolean {
  const relative = path.relative(parent, dir)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

/**
 * What a studio on the embedded database holds: its data directory, and the database's when
 * TAKES_DB_DIR puts it elsewhere. Nothing on PostgreSQL, where several processes share the data.
 */
export function embeddedDataDirs(env: Env = process.env): string[] {
  const config = dbConfigFromEnv(env)
  if (config.kind !== 'pglite') return []
  const dataDir = dataDirOf(env)
  return isWithin(config.dataDir, dataDir) ? [dataDir] : [dataDir, config.dataDir]
}

/**
 * Makes this process the only studio on its embedded database, before anything opens it: holds
 * `embeddedDataDirs` until the process ends. A StudioRefusedError naming the holder, and how to run
 * several studios, when another process has them.
 */
export async function claimEmbeddedData(env: Env = process.env): Promise<DirLock[]> {
  const me = { pid: process.pid, url: studioUrl(env) }
  const locks: DirLock[] = []
  try {
    for (const [index, dir] of embeddedDataDirs(env).entries()) locks.push(await lockDirectory(dir, me, { pidFile: index === 0 }))
    return locks
  } catch (error) {
    await Promise.all(locks.map((lock) => lock.release()))
    if (error instanceof DirBusyError) throw new StudioRefusedError(embeddedBusyMessage(error))
    throw error
  }
}

function embeddedBusyMessage(error: DirBusyError): string {
  return [
    `Takes cannot start: ${error.holder ? describeHolder(error.holder) : 'another Takes studio'} is using the data in ${error.dir}.`,
    'Its embedded database (PGlite) can be opened by one process only. Stop that studio first, or give this one another TAKES_DATA_DIR.',
    'To run several studio processes on the same takes, use PostgreSQL: start each with DATABASE_URL=postgres://… (see "Running several processes" in the README).',
  ].join('\n')
}
