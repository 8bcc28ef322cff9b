import 'server-only'
import { settingsOf } from '@/lib/settings'
import type { Db } from '@/lib/db/client'
import { claimDueCopies, recordCopyAttempt, type CopyPatch } from '@/lib/db/copy-queries'
import { getTakeEvenIfDeleted, type Take } from '@/lib/db/queries'
import type { JsonValue } from '@/lib/schema'
import { deleteTakeOutput, keepTakeOutput, type KeepOutputOptions, type KeptOutput } from '@/lib/storage/keep-output'
import { Ticker } from './ticker'

// The studio's own copy of each output, so links outlive fal's URLs. Settling a take makes the
// first attempt (briefly); when it fails the take completes anyway, playing fal's URL, with its copy
// `pending`, and any studio process retries it with back-off until it is kept or, after the last
// attempt, `failed`.

/** The waits before each retry: about an hour in all, well within the time fal keeps its media. */
export const DEFAULT_COPY_RETRY_DELAYS_MS: readonly number[] = [5_000, 15_000, 45_000, 120_000, 300_000, 600_000, 1_200_000, 1_200_000]

/** The first attempt, made while settling, gives up sooner than a retry: settling must not wait long. */
export const SETTLE_COPY_LIMITS: KeepOutputOptions = { timeoutMs: 60_000, idleTimeoutMs: 20_000 }

/** A retry's longest run (the download's own limit is 10 min) and then some: its claim lasts this long. */
const RETRY_LEASE_MS = 15 * 60_000

/** `TAKES_COPY_RETRY_MS`: the waits before each retry (e.g. `200,500` in tests), or the default ones. */
export function copyRetryDelays(env: Readonly<Record<string, string | undefined>> = process.env): readonly number[] {
  return settingsOf(env).copyRetryMs ?? DEFAULT_COPY_RETRY_DELAYS_MS
}

export type KeepOutput = (takeId: string, output: { [key: string]: JsonValue }, options?: KeepOutputOptions) => Promise<KeptOutput>

/** How one attempt at copying ended. */
export type CopyOutcome = { ok: true; kept: KeptOutput } | { ok: false; error: string }

export async function tryCopy(takeId: string, output: { [key: string]: JsonValue }, keep: KeepOutput, options?: KeepOutputOptions): Promise<CopyOutcome> {
  try {
    return { ok: true, kept: await keep(takeId, output, options) }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) }
  }
}

/**
 * The copy's state once attempt number `attempt` (1 for the one made while settling) ended with
 * `outcome`: kept (or none, when the output has no video); pending until the next attempt's time;
 * failed after the last one.
 */
export function copyStateAfter(attempt: number, outcome: CopyOutcome, delays: readonly number[], now = Date.now()): CopyPatch {
  if (outcome.ok) {
    const { videoKey, posterKey } = outcome.kept
    return { videoKey, posterKey, copyStatus: videoKey ? 'kept' : null, copyRetryAt: null, copyError: null }
  }
  const wait = delays[attempt - 1]
  if (wait === undefined) return { copyStatus: 'failed', copyRetryAt: null, copyError: outcome.error }
  return { copyStatus: 'pending', copyRetryAt: new Date(now + wait), copyError: outcome.error }
}

/** A copy made for a take deleted meanwhile is removed with it (the delete removed what was there then). */
export async function discardIfDeleted(takeId: string, db?: Db): Promise<void> {
  const take = await getTakeEvenIfDeleted(takeId, db)
  if (take?.deletedAt) await deleteTakeOutput(takeId).catch(() => {})
}

export interface OutputCopierOptions {
  keep?: KeepOutput
  delays?: readonly number[]
  /** How often due copies are looked for. */
  tickMs?: number
  /** How many copies one process makes at once. */
  capacity?: number
  /** How long a claimed attempt may run before another process may take it over. */
  leaseMs?: number
  db?: Db
}

/** Retries pending output copies when they are due, in whichever process claims them first. */
export class OutputCopier {
  private readonly keep: KeepOutput
  private readonly delays: readonly number[]
  private readonly capacity: number
  private readonly leaseMs: number
  private readonly db: Db | undefined
  private readonly ticker: Ticker
  private inFlight = 0

  constructor(options: OutputCopierOptions = {}) {
    this.keep = options.keep ?? keepTakeOutput
    this.delays = options.delays ?? copyRetryDelays()
    this.capacity = options.capacity ?? 4
    this.leaseMs = options.leaseMs ?? RETRY_LEASE_MS
    this.db = options.db
    this.ticker = new Ticker('output copier', options.tickMs ?? 1000, async () => void (await this.startDue()))
  }

  start() {
    this.ticker.start()
  }

  stop() {
    this.ticker.stop()
  }

  /** Claims the copies that are due and starts an attempt at each; their ends, as recorded (null: not written). */
  async startDue(): Promise<Promise<Take | null>[]> {
    const claimed = await claimDueCopies(this.leaseMs, this.capacity - this.inFlight, this.db)
    return claimed.map((take) => {
      this.inFlight++
      return this.attempt(take).finally(() => this.inFlight--)
    })
  }

  /** One pass, waiting for its attempts to end (tests). */
  async runDue(): Promise<(Take | null)[]> {
    return Promise.all(await this.startDue())
  }

  private async attempt(take: Take): Promise<Take | null> {
    const attempt = take.copyAttempts
    const outcome = await tryCopy(take.id, take.output ?? {}, this.keep)
    const patch = copyStateAfter(attempt, outcome, this.delays)
    const recorded = await recordCopyAttempt(take.id, attempt, patch, this.db)
    if (!recorded && outcome.ok) await discardIfDeleted(take.id, this.db)
    if (recorded && !outcome.ok) {
      const verdict = patch.copyStatus === 'failed' ? 'gave up' : 'will retry'
      console.error(`[takes] copying take ${take.id}'s output failed (attempt ${attempt}, ${verdict}): ${outcome.error}`)
    }
    return recorded
  }
}

const KEY = Symbol.for('takes.outputCopier')
type Holder = { [KEY]?: OutputCopier }

/** Starts this process's copier, once. */
export function startOutputCopier(): OutputCopier {
  const holder = globalThis as Holder
  if (!holder[KEY]) {
    holder[KEY] = new OutputCopier()
    holder[KEY].start()
  }
  return holder[KEY]
}
