import 'server-only'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { FalClient } from '@fal-ai/client'
import { UNFINISHED_STATUSES } from '@/lib/takes/take-status'
import { claimRunningSweeps, endSweep, listSweepTakes, releaseSweepLeases, type Sweep } from '@/lib/db/sweep-queries'
import { serverFalClient } from '@/lib/fal/server-client'
import { settingsOf } from '@/lib/settings'
import { Ticker } from '@/lib/takes/ticker'
import { submitNextSweepCell } from './submit-sweep-cell'

export interface SweepRunnerOptions {
  client?: FalClient
  /** How long a claim on a sweep lasts without renewal; another process takes over after it. */
  leaseMs?: number
  /** How often running sweeps are looked at. */
  tickMs?: number
  /** How many sweeps one process runs at once. */
  capacity?: number
}

const unfinished: ReadonlySet<string> = new Set(UNFINISHED_STATUSES)

/**
 * Runs every sweep to its end, whoever is watching: keeps up to `concurrency` of a sweep's takes in
 * fal's queue, submitting the next cell as one ends, and marks the sweep done when all have ended.
 * The takes themselves are followed by the take follower, like any take.
 */
export class SweepRunner {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}:sweeps`
  private readonly client: FalClient
  private readonly leaseMs: number
  private readonly capacity: number
  private readonly ticker: Ticker

  constructor(options: SweepRunnerOptions = {}) {
    this.client = options.client ?? serverFalClient()
    this.leaseMs = options.leaseMs ?? 15_000
    this.capacity = options.capacity ?? 20
    this.ticker = new Ticker('sweep runner', options.tickMs ?? 1000, () => this.advanceAll())
  }

  start() {
    this.ticker.start()
  }

  async stop() {
    this.ticker.stop()
    await releaseSweepLeases(this.owner).catch(() => {})
  }

  /** One pass over this process's sweeps now (tests call it; the ticker calls it every `tickMs`). */
  tick(): Promise<void> {
    return this.ticker.tick()
  }

  private async advanceAll() {
    const sweeps = await claimRunningSweeps(this.owner, this.leaseMs, this.capacity)
    for (const sweep of sweeps) {
      await this.advance(sweep).catch((error: unknown) =>
        console.error(`[takes] sweep ${sweep.id} could not advance:`, error instanceof Error ? error.message : error),
      )
    }
  }

  private async advance(sweep: Sweep) {
    const takes = await listSweepTakes(sweep.id)
    const inFlight = takes.filter((take) => unfinished.has(take.status)).length
    if (sweep.nextIndex >= sweep.cellCount) {
      if (inFlight === 0) await endSweep(sweep.id, 'DONE')
      return
    }
    for (let free = sweep.concurrency - inFlight; free > 0; free--) {
      if (!(await submitNextSweepCell(sweep, this.client))) return
    }
  }
}

const KEY = Symbol.for('takes.sweep-runner')
type Holder = { [KEY]?: SweepRunner }

/** Starts this process's sweep runner, once. */
export function startSweepRunner(): SweepRunner {
  const holder = globalThis as Holder
  if (!holder[KEY]) {
    holder[KEY] = new SweepRunner({ leaseMs: settingsOf().leaseMs })
    holder[KEY].start()
  }
  return holder[KEY]
}
