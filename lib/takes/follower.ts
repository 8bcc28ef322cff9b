import 'server-only'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { FalClient, QueueStatus } from '@fal-ai/client'
import { claimUnfinishedTakes, finishTake, releaseLease, renewLease, updateTake, type Take, type TakePatch } from '@/lib/db/queries'
import { describeFalError, isTransientFalError } from '@/lib/fal/describe-error'
import { serverFalClient } from '@/lib/fal/server-client'
import type { JsonValue } from '@/lib/schema'
import { settleTake } from './settle-take'
import { positiveMs, Ticker } from './ticker'

export interface FollowerOptions {
  client?: FalClient
  /** How long a claim lasts without renewal: another process takes over a crashed one's takes after this. */
  leaseMs?: number
  /** How often unclaimed takes are looked for and leases renewed. */
  tickMs?: number
  /** How often a followed take's status is asked. */
  pollMs?: number
  /** How many takes one process follows at once. */
  capacity?: number
}

/** A take whose submit never answered (the server stopped mid-submit) has no request id to follow. */
const LOST_SUBMIT_ERROR = {
  kind: 'request',
  message: 'The studio stopped before fal confirmed this take, so it could not be followed.',
  retryable: true,
} as const

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
  })

/**
 * Drives every unfinished take to its end, whoever is watching. Each process claims takes through
 * a lease in the database (renewed while it follows them), so on one PostgreSQL each take is
 * followed by exactly one process, and a crashed process's takes pass to another once its leases lapse.
 */
export class TakeFollower {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  private readonly following = new Map<string, AbortController>()
  private readonly client: FalClient
  private readonly leaseMs: number
  private readonly pollMs: number
  private readonly capacity: number
  private readonly ticker: Ticker

  constructor(options: FollowerOptions = {}) {
    this.client = options.client ?? serverFalClient()
    this.leaseMs = options.leaseMs ?? 15_000
    this.pollMs = options.pollMs ?? 1000
    this.capacity = options.capacity ?? 100
    this.ticker = new Ticker('follower', options.tickMs ?? 1000, () => this.tick())
  }

  start() {
    this.ticker.start()
  }

  async stop() {
    this.ticker.stop()
    for (const controller of this.following.values()) controller.abort()
    await releaseLease(this.owner, [...this.following.keys()]).catch(() => [])
  }

  private async tick() {
    const held = [...this.following.keys()]
    const renewed = new Set(await renewLease(this.owner, held, this.leaseMs))
    for (const id of held) if (!renewed.has(id)) this.following.get(id)?.abort()
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
    if (!requestId) {
      await finishTake(take.id, { status: 'FAILED', error: LOST_SUBMIT_ERROR, queuePosition: null, completedAt: new Date() })
      return
    }
    let known = { status: take.status, queuePosition: take.queuePosition, logCount: take.logs.length }
    while (!signal.aborted) {
      let status: QueueStatus
      try {
        status = await this.client.queue.status(take.endpointId, { requestId, logs: true, abortSignal: signal })
      } catch (error) {
        if (signal.aborted) return
        if (!isTransientFalError(error)) return void (await settleTake(take, { ok: false, error: describeFalError(error) }))
        await sleep(this.pollMs * 2, signal)
        continue
      }
      const logs = 'logs' in status && Array.isArray(status.logs) ? status.logs.map(({ message, level, timestamp }) => ({ message, level, timestamp })) : null
      if (status.status === 'COMPLETED') {
        if (logs) await updateTake(take.id, { logs })
        await this.settleFromResult(take, requestId, status.metrics?.inference_time ?? undefined, signal)
        return
      }
      const patch: TakePatch = {}
      if (status.status !== known.status) patch.status = status.status
      const position = status.status === 'IN_QUEUE' ? status.queue_position : null
      if (position !== known.queuePosition) patch.queuePosition = position
      if (status.status === 'IN_PROGRESS' && known.status !== 'IN_PROGRESS') patch.startedAt = new Date()
      if (logs && logs.length !== known.logCount) patch.logs = logs
      if (Object.keys(patch).length > 0) {
        const updated = await updateTake(take.id, patch)
        if (!updated) return
        known = { status: updated.status, queuePosition: updated.queuePosition, logCount: updated.logs.length }
      }
      await sleep(this.pollMs, signal)
    }
  }

  /** Fetches the result once and records it; a lost connection is retried, an answer is final. */
  private async settleFromResult(take: Take, requestId: string, inferenceTime: number | undefined, signal: AbortSignal) {
    for (;;) {
      try {
        const result = await this.client.queue.result(take.endpointId, { requestId, abortSignal: signal })
        await settleTake(take, { ok: true, output: result.data as { [key: string]: JsonValue }, inferenceTime })
        return
      } catch (error) {
        if (signal.aborted) return
        if (isTransientFalError(error)) {
          await sleep(this.pollMs * 2, signal)
          continue
        }
        await settleTake(take, { ok: false, error: describeFalError(error) })
        if (inferenceTime !== undefined) await updateTake(take.id, { inferenceTime })
        return
      }
    }
  }
}

const KEY = Symbol.for('takes.follower')
type Holder = { [KEY]?: TakeFollower }

/** Starts this process's follower, once. */
export function startFollower(): TakeFollower {
  const holder = globalThis as Holder
  if (!holder[KEY]) {
    holder[KEY] = new TakeFollower({ pollMs: positiveMs(process.env.TAKES_FOLLOW_POLL_MS), leaseMs: positiveMs(process.env.TAKES_LEASE_MS) })
    holder[KEY].start()
  }
  return holder[KEY]
}
