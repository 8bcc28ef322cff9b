import 'server-only'
import { getOpenDb } from '@/lib/db/client'

/**
 * A change to a take or a sweep, as the database publishes it (migration 0009's triggers call
 * pg_notify on this channel for every change a page can see, whichever process made it).
 * `resync` means changes may have been missed (the listening connection was lost): re-read all.
 */
export type Change = { take?: string; sweep?: string | null; resync?: true }

export const CHANGE_CHANNEL = 'takes_events'

type Listener = (change: Change) => void

function parseChange(payload: string): Change | null {
  try {
    const value: unknown = JSON.parse(payload)
    if (typeof value !== 'object' || value === null) return null
    const { take, sweep } = value as { take?: unknown; sweep?: unknown }
    return {
      ...(typeof take === 'string' ? { take } : {}),
      ...(typeof sweep === 'string' ? { sweep } : {}),
    }
  } catch {
    return null
  }
}

/**
 * This process's one subscription to the database's changes, fanned out to every watcher (each
 * open event stream). PGlite delivers its own notifications in process; PostgreSQL delivers every
 * process's through LISTEN.
 */
class ChangeFeed {
  private readonly listeners = new Set<Listener>()
  private listening: Promise<() => Promise<void>> | null = null

  async subscribe(listener: Listener): Promise<() => void> {
    this.listeners.add(listener)
    try {
      await this.listen()
    } catch (error) {
      this.listeners.delete(listener)
      throw error
    }
    return () => void this.listeners.delete(listener)
  }

  private listen() {
    this.listening ??= getOpenDb()
      .then((open) =>
        open.listen(
          CHANGE_CHANNEL,
          (payload) => {
            const change = parseChange(payload)
            if (change) this.publish(change)
          },
          () => this.publish({ resync: true }),
        ),
      )
      .catch((error: unknown) => {
        this.listening = null
        throw error
      })
    return this.listening
  }

  /** Stops listening (tests, which close and reopen their database); the next watcher listens again. */
  async close() {
    const listening = this.listening
    this.listening = null
    const unlisten = await listening?.catch(() => null)
    await unlisten?.()
  }

  private publish(change: Change) {
    for (const listener of this.listeners) {
      try {
        listener(change)
      } catch (error) {
        console.error('[takes] a change watcher failed:', error instanceof Error ? error.message : error)
      }
    }
  }
}

const KEY = Symbol.for('takes.change-feed')
type Holder = { [KEY]?: ChangeFeed }

/** Calls `listener` for every change to a take or a sweep, until the returned function is called. */
export function watchChanges(listener: Listener): Promise<() => void> {
  const holder = globalThis as Holder
  return (holder[KEY] ??= new ChangeFeed()).subscribe(listener)
}

/** Stops this process's listening to the database (before its database is closed); watching again resumes it. */
export async function closeChangeFeed(): Promise<void> {
  await (globalThis as Holder)[KEY]?.close()
}
