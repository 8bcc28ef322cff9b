import 'server-only'

/**
 * Runs `work` every `everyMs`, never two at once (a slow pass makes the next wait), and logs
 * what it throws: the background loops of the follower and the sweep runner.
 */
export class Ticker {
  private timer: NodeJS.Timeout | undefined
  private running = false

  constructor(
    private readonly name: string,
    private readonly everyMs: number,
    private readonly work: () => Promise<void>,
  ) {}

  start() {
    this.timer ??= setInterval(() => void this.tick(), this.everyMs)
    void this.tick()
  }

  stop() {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** One pass now, unless one is under way. */
  async tick() {
    if (this.running) return
    this.running = true
    try {
      await this.work()
    } catch (error) {
      console.error(`[takes] ${this.name} tick failed:`, error instanceof Error ? error.message : error)
    } finally {
      this.running = false
    }
  }
}
