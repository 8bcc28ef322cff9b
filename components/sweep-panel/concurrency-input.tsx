'use client'
import { controlClass } from '@/components/ui/styles'
import { MAX_SWEEP_CONCURRENCY } from '@/lib/sweeps/sweep-plan'

/** The concurrency a panel's text gives, or null while it is not a whole number from 1 to the maximum. */
export function concurrencyOf(text: string): number | null {
  const value = Number(text)
  return Number.isInteger(value) && value >= 1 && value <= MAX_SWEEP_CONCURRENCY ? value : null
}

/** "At most [2] at a time": how many of a sweep's or batch's takes the server keeps in fal's queue at once. */
export function ConcurrencyInput({ id, text, onChange }: { id: string; text: string; onChange: (text: string) => void }) {
  const valid = concurrencyOf(text) !== null
  return (
    <>
      <span className="flex items-center gap-1.5">
        At most
        <input
          id={id}
          type="number"
          aria-label="At a time"
          min={1}
          max={MAX_SWEEP_CONCURRENCY}
          step={1}
          className={`${controlClass} w-16`}
          value={text}
          aria-invalid={!valid}
          aria-describedby={valid ? undefined : `${id}-error`}
          onChange={(event) => onChange(event.target.value)}
        />
        at a time
      </span>
      {!valid && (
        <p id={`${id}-error`} className="basis-full text-xs text-danger">
          From 1 to {MAX_SWEEP_CONCURRENCY} at a time
        </p>
      )}
    </>
  )
}
