import { setTimeout as delay } from 'node:timers/promises'

/**
 * When each denoising-step log line is due: step k of n once both a share k/n of the least render
 * time has passed and the render has made k/n of its frames, so the last step is logged only as
 * the render ends and the count never runs ahead of the work.
 */
export class StepPacer {
  private fraction = 0
  private waiters: { at: number; resolve: () => void }[] = []

  /** The render's progress, 0..1 (from renderVideo's onProgress). */
  progress = (fraction: number): void => {
    this.fraction = Math.max(this.fraction, fraction)
    const ready = this.waiters.filter((waiter) => waiter.at <= this.fraction)
    this.waiters = this.waiters.filter((waiter) => waiter.at > this.fraction)
    for (const waiter of ready) waiter.resolve()
  }

  private reached(at: number, signal: AbortSignal): Promise<void> {
    if (this.fraction >= at) return Promise.resolve()
    signal.throwIfAborted()
    return new Promise((resolve, reject) => {
      const waiter = {
        at,
        resolve: () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        },
      }
      const onAbort = () => {
        this.waiters = this.waiters.filter((other) => other !== waiter)
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      this.waiters.push(waiter)
    })
  }

  /**
   * Calls `log(step)` for steps 1..steps in turn, spread over `minMs` from `started` and following
   * the render. Ends quietly when `signal` aborts (the run ended, failed or was cancelled).
   */
  async run(steps: number, started: number, minMs: number, signal: AbortSignal, log: (step: number) => boolean): Promise<void> {
    try {
      for (let step = 1; step <= steps; step++) {
        await delay(Math.max(0, started + (minMs * step) / steps - Date.now()), undefined, { signal })
        await this.reached(step / steps, signal)
        if (!log(step)) return
      }
    } catch {
      // Aborted: nothing more to log.
    }
  }
}
