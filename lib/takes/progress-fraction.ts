import type { TakeLog } from './take-progress'

/** `step 7/40`, `Denoising step 7 of 40`, or a tqdm bar's `7/40 [`. */
const STEP = /(?:\bstep\s+(\d+)\s*(?:\/|of)\s*(\d+))|(?:\b(\d+)\s*\/\s*(\d+)\s*\[)/i
/** `42%` */
const PERCENT = /(\d{1,3}(?:\.\d+)?)\s*%/

/** How far a run is, from 0 to 1, as its newest log line that says so tells it; null when none does. */
export function progressFraction(logs: readonly Pick<TakeLog, 'message'>[]): number | null {
  for (let index = logs.length - 1; index >= 0; index--) {
    const message = logs[index]!.message
    const step = STEP.exec(message)
    if (step) {
      const done = Number(step[1] ?? step[3])
      const total = Number(step[2] ?? step[4])
      if (total > 0 && done <= total) return done / total
    }
    const percent = PERCENT.exec(message)
    if (percent) {
      const value = Number(percent[1])
      if (value <= 100) return value / 100
    }
  }
  return null
}
