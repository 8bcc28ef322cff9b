import 'server-only'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { ApiError, type FalClient, type QueueStatus } from '@fal-ai/client'
import { sleep } from '@/lib/async/sleep'
import { advanceTake, claimSettle, claimUnfinishedTakes, releaseLease, releaseSettle, renewLease, type Take, type TakeLogEntry, type TakePatch } from '@/lib/db/queries'
import { describeFalError, isTransientFalError } from '@/lib/fal/describe-error'
import { falResult, serverFalClient } from '@/lib/fal/server-client'
import type { JsonValue } from '@/lib/schema'
import { SETTLE_CLAIM_MS, settleClaimed, settleTake, type TakeOutcome } from './settle-take'
import { settingsOf } from '@/lib/settings'
import { resultExpiredError } from './result-expired'
import { Ticker } from './ticker'

export interface FollowerOptions {
  client?: FalClient
  /** How long a claim lasts without renewal: another process takes over a crashed one's takes after this. */
  leaseMs?: number
  /** How often unclaimed takes are looked for and leases renewed. */
  tickMs?: number
  /** The first interval of polling (once a status stream dropped); it backs off while nothing changes. */
  pollMs?: number
  /** How many takes one process follows at once. */
  capacity?: number
}

/** A take whose submit never answered (the server stopped mid-submit) has no request id to follow. */
const LOST_SUBMIT_ERROR = {
  kind: 'request',
  message: 'The studio never heard fal’s answer to this submit, so it could not be followed. If fal ran it, it shows in your fal dashboard.',
  retryable: true,
} as const

/** Polling backs off to this many times its first interval while a take's status stays the same. */
const MAX_BACKOFF_FACTOR = 5

const logKey = (log: TakeLogEntry) => `${log.timestamp}\u0000${log.message}`

/** What the follower knows of one take: its last status and which log lines it has recorded. */
class FollowedTake {
  private readonly seenLogs: Set<string>
  private status: Take['status']
  private queuePosition: number | null

  constructor(private take: Take) {
    this.seenLogs = new Set(take.logs.map(logKey))
    this.status = take.status
    this.queuePosition = take.queuePosition
  }

  get id() {
    return this.take.id
  }

  /** When fal last logged something for the take: the closest the studio knows to when it completed. */
  get lastLogAt(): Date | undefined {
    const times = this.take.logs.map((log) => Date.parse(log.timestamp)).filter((time) => Number.isFinite(time))
    return times.length > 0 ? new Date(Math.max(...times)) : undefined
  }

  /** Records what a status says that the take does not have yet; false once the take has ended elsewhere. */
  async apply(status: QueueStatus, extra: TakePatch = {}): Promise<boolean> {
    // The stream sends only new lines and polling all of them: each line is kept once, in order.
    // A line counts as seen once it is written: a refused write leaves it for the next status.
    const fresh = new Set<string>()
    const logs = ('logs' in status && Array.isArray(status.logs) ? status.logs : []).flatMap(({ message, level, timestamp }) => {
      const log = { message, level, timestamp }
      const key = logKey(log)
      if (this.seenLogs.has(key) || fresh.has(key)) return []
      fresh.add(key)
      return [log]
    })
    const patch: TakePatch = { ...extra }
    if (status.status !== 'COMPLETED') {
      if (status.status !== this.status) patch.status = status.status
      const position = status.status === 'IN_QUEUE' ? status.queue_position : null
      if (position !== this.queuePosition) patch.queuePosition = position
      if (status.status === 'IN_PROGRESS' && this.status !== 'IN_PROGRESS') patch.startedAt = new Date()
    }
    if (Object.keys(patch).length === 0 && logs.length === 0) return true
    const updated = await advanceTake(this.id, patch, logs)
    if (!updated) return false
    for (const key of fresh) this.seenLogs.add(key)
    this.take = updated
    this.status = updated.status
    this.queuePosition = updated.queuePosition
    return true
  }
}

/**
 * Drives every unfinished take to its end, whoever is watching; the only code that follows fal.
 * Each process claims takes through a lease in the database (renewed while it follows them), so
 * on one PostgreSQL each take is followed by exactly one process, and a crashed process's takes
 * pass to another once its leases lapse. A take is followed by fal's status stream, and by polling
 * with back-off once a stream drops; its result is fetched once, by whoever claims its settling.
 */
export class TakeFollower {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  private readonly following = new Map<string, AbortController>()
  private readonly client: FalClient
  private readonly leaseMs: number
  private readonly pollMs: number
  private readonly capacity: number
  private readonly ticker: Ticker
  private renewedAt = 0

  constructor(options: FollowerOptions = {}) {
    this.client = options.client ?? serverFalClient()
    this.leaseMs = options.leaseMs ?? 15_000
    this.pollMs = options.pollMs ?? 1000
    this.capacity = options.capacity ?? 1000
    this.ticker = new Ticker('follower', options.tickMs ?? 1000, () => this.tick())
  }

  start() {
    this.ticker.start()
  }

  /** Looks for takes now (a submit was just confirmed), rather than at the next tick. */
  nudge() {
    void this.ticker.tick()
  }

  async stop() {
    this.ticker.stop()
    for (const controller of this.following.values()) controller.abort()
    await releaseLease(this.owner, [...this.following.keys()]).catch(() => [])
  }

  /** How many takes this process follows now. */
  get size() {
    return this.following.size
  }

  private async tick() {
    // Leases are renewed a few times per lease, not every tick: with hundreds of takes held, each
    // renewal rewrites every one of their rows.
    if (Date.now() - this.renewedAt >= this.leaseMs / 3) {
      const held = [...this.following.keys()]
      this.renewedAt = Date.now()
      const renewed = new Set(await renewLease(this.owner, held, this.leaseMs))
      for (const id of held) if (!renewed.has(id)) this.following.get(id)?.abort()
    }
    const claimed = await claimUnfinishedTakes(this.owner, this.leaseMs, this.capacity - this.following.size)
    for (const take of claimed) this.follow(take)
  }

  private follow(take: Take) {
    if (this.following.has(take.id)) return
    const controller = new AbortController()
    this.following.set(take.id, controller)
    void this.followToEnd(take, controller.signal)
      .catch((error: unknown) => console.error(`[takes] following take ${take.id} failed:`, error instanceof Error ? error.message : error))
      .finally(() => {
        if (this.following.get(take.id) === controller) this.following.delete(take.id)
        if (!controller.signal.aborted) void releaseLease(this.owner, [take.id]).catch(() => [])
      })
  }

  private async followToEnd(take: Take, signal: AbortSignal) {
    const requestId = take.falRequestId
    if (!requestId) return void (await settleTake(take, { ok: false, error: LOST_SUBMIT_ERROR }))
    const followed = new FollowedTake(take)
    let ending = take.followMode === 'polling' ? null : await this.followStream(take.endpointId, requestId, followed, signal)
    if (signal.aborted || ending === 'gone') return
    ending ??= await this.followByPolling(take.endpointId, requestId, followed, signal)
    if (signal.aborted || ending === 'gone') return
    if (ending.kind === 'failed') return void (await settleTake(take, { ok: false, error: ending.error }))
    await this.settleFromResult(take, requestId, ending.inferenceTime, followed.lastLogAt ?? new Date(), signal)
  }

  /** fal's status stream until COMPLETED; null when it dropped first (polling takes over). */
  private async followStream(endpointId: string, requestId: string, followed: FollowedTake, signal: AbortSignal): Promise<Ending | 'gone' | null> {
    let gone = false
    try {
      const stream = await this.client.queue.streamStatus(endpointId, { requestId, logs: true })
      const stop = () => stream.abort()
      signal.addEventListener('abort', stop, { once: true })
      // Events are applied one at a time, in order, while the stream reads on.
      let applying = Promise.resolve()
      let first = true
      stream.on('data', (status) => {
        const extra: TakePatch = first ? { followMode: 'stream' } : {}
        first = false
        applying = applying
          .then(async () => {
            if (!gone && !(await followed.apply(status, extra))) {
              gone = true
              stream.abort()
            }
          })
          .catch((error: unknown) => {
            // The database refused a write: the stream is left, and polling (which re-reads all) retries.
            stream.abort()
            throw error
          })
      })
      const last = await stream.done().finally(() => signal.removeEventListener('abort', stop))
      await applying
      if (gone) return 'gone'
      if (last?.status === 'COMPLETED') return { kind: 'completed', inferenceTime: last.metrics?.inference_time ?? undefined }
    } catch {
      if (gone) return 'gone'
    }
    return null
  }

  /** Polls fal's status, backing off while nothing changes, until COMPLETED or an answer that ends the take. */
  private async followByPolling(endpointId: string, requestId: string, followed: FollowedTake, signal: AbortSignal): Promise<Ending | 'gone'> {
    let interval = this.pollMs
    let first = true
    let lastSeen: string | undefined
    while (!signal.aborted) {
      let status: QueueStatus
      try {
        status = await this.client.queue.status(endpointId, { requestId, logs: true, abortSignal: signal })
      } catch (error) {
        if (signal.aborted) break
        if (!isTransientFalError(error)) return { kind: 'failed', error: describeFalError(error) }
        interval = Math.min(interval * 2, this.pollMs * MAX_BACKOFF_FACTOR)
        await sleep(interval, signal)
        continue
      }
      let applied: boolean
      try {
        applied = await followed.apply(status, first ? { followMode: 'polling' } : {})
      } catch (error) {
        // The database refused a write: the same status is read and applied again after a wait.
        console.error(`[takes] recording take ${followed.id}'s status failed (will retry):`, error instanceof Error ? error.message : error)
        interval = Math.min(interval * 2, this.pollMs * MAX_BACKOFF_FACTOR)
        await sleep(interval, signal)
        continue
      }
      if (!applied) return 'gone'
      first = false
      if (status.status === 'COMPLETED') return { kind: 'completed', inferenceTime: status.metrics?.inference_time ?? undefined }
      // Compared with the previous poll's: while the take shows the same, each wait is longer.
      const seen = JSON.stringify([status.status, 'queue_position' in status ? status.queue_position : null, 'logs' in status ? status.logs?.length : 0])
      interval = seen === lastSeen ? Math.min(interval * 1.5, this.pollMs * MAX_BACKOFF_FACTOR) : this.pollMs
      lastSeen = seen
      await sleep(interval, signal)
    }
    return 'gone'
  }

  /**
   * Claims the take's settling (a webhook may be settling it already: then nothing is fetched), then
   * fetches the result once — a lost connection is retried, an answer is final — and records it.
   */
  private async settleFromResult(take: Take, requestId: string, inferenceTime: number | undefined, completedAt: Date, signal: AbortSignal) {
    const claimed = await claimSettle(take.id, SETTLE_CLAIM_MS)
    if (!claimed) return
    try {
      const outcome = await this.fetchResult(take.endpointId, requestId, inferenceTime, completedAt, signal)
      if (!outcome) return void (await releaseSettle(take.id))
      await settleClaimed(claimed, outcome)
    } catch (error) {
      await releaseSettle(take.id).catch(() => {})
      throw error
    }
  }

  private async fetchResult(endpointId: string, requestId: string, inferenceTime: number | undefined, completedAt: Date, signal: AbortSignal): Promise<TakeOutcome | null> {
    for (let attempt = 1; !signal.aborted; attempt++) {
      const answer = await falResult(this.client, endpointId, { requestId, abortSignal: signal })
      const { billableUnits } = answer
      if (answer.ok) return { ok: true, output: answer.data as { [key: string]: JsonValue }, inferenceTime, billableUnits }
      if (signal.aborted) break
      // fal said COMPLETED, and now knows no such request: its retention ran out.
      if (answer.error instanceof ApiError && answer.error.status === 404) return { ok: false, error: resultExpiredError(completedAt), billableUnits: null }
      if (!isTransientFalError(answer.error)) return { ok: false, error: describeFalError(answer.error), billableUnits }
      await sleep(Math.min(this.pollMs * 2 ** attempt, this.pollMs * MAX_BACKOFF_FACTOR * 2), signal)
    }
    return null
  }
}

type Ending = { kind: 'completed'; inferenceTime?: number } | { kind: 'failed'; error: ReturnType<typeof describeFalError> }

const KEY = Symbol.for('takes.follower')
type Holder = { [KEY]?: TakeFollower }

/** Starts this process's follower, once. */
export function startFollower(): TakeFollower {
  const holder = globalThis as Holder
  if (!holder[KEY]) {
    holder[KEY] = new TakeFollower({ pollMs: settingsOf().followPollMs, leaseMs: settingsOf().leaseMs })
    holder[KEY].start()
  }
  return holder[KEY]
}

/** Tells this process's follower, if it runs, that a take is ready to follow. */
export function nudgeFollower() {
  ;(globalThis as Holder)[KEY]?.nudge()
}
