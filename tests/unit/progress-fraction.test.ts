import { describe, expect, it } from 'vitest'
import { progressFraction } from '@/lib/takes/progress-fraction'

const logs = (...messages: string[]) => messages.map((message) => ({ message }))

describe('progressFraction', () => {
  it('reads the newest line that says how far the run is', () => {
    expect(progressFraction(logs('Loading weights', 'Denoising step 3/12', 'Denoising step 6/12', 'Decoding'))).toBe(0.5)
    expect(progressFraction(logs('step 7 of 40'))).toBeCloseTo(7 / 40)
    expect(progressFraction(logs(' 45%|████▌     | 18/40 [00:09<00:11,  2.0it/s]'))).toBeCloseTo(0.45)
    expect(progressFraction(logs('18/40 [00:09<00:11]'))).toBeCloseTo(18 / 40)
  })

  it('says nothing when no line does, or a line makes no sense', () => {
    expect(progressFraction([])).toBeNull()
    expect(progressFraction(logs('Loading weights', 'Resolution 768/512'))).toBeNull()
    expect(progressFraction(logs('step 50/40', 'at 250%'))).toBeNull()
  })
})
