import { useState } from 'react'
import type { UseFormReturn } from 'react-hook-form'
import type { Payload } from '@/lib/schema'
import type { FormState } from '@/components/schema-form/use-schema-form'
import { Button } from '@/components/ui/button'
import { randomSeed } from '@/lib/sweeps/random-seed'
import type { ExactInteger } from '@/lib/json/exact-integer'


/**
 * The seed field's "Randomise" and "Lock seed"; `seeded` gives Run's input a fresh seed (also put in
 * the form) when the seed is unlocked.
 */
export function useSeedControls(form: UseFormReturn<FormState, unknown, Payload>, hasSeed: boolean) {
  const [locked, setLocked] = useState(true)
  // An exact integer: a 64-bit seed ("Use this seed", a remix) keeps its digits as a string.
  const setSeed = (seed: ExactInteger) => form.setValue('seed', seed, { shouldDirty: true, shouldValidate: true })
  return {
    /** Puts a chosen seed in the form, and locks it. */
    choose: (seed: ExactInteger) => {
      setSeed(seed)
      setLocked(true)
    },
    seeded: (input: Payload): Payload => {
      if (!hasSeed || locked) return input
      const seed = randomSeed()
      setSeed(seed)
      return { ...input, seed }
    },
    extras: hasSeed
      ? {
          seed: (
            <div className="flex items-center gap-3 text-sm">
              <Button size="sm" onClick={() => setSeed(randomSeed())}>
                Randomise
              </Button>
              <label className="flex items-center gap-1.5">
                <input type="checkbox" checked={locked} onChange={(event) => setLocked(event.target.checked)} />
                Lock seed
              </label>
            </div>
          ),
        }
      : undefined,
  }
}
