'use client'
import { useId, useState } from 'react'
import { Button } from '@/components/ui/button'
import { controlClass } from '@/components/ui/styles'
import { MAX_AXIS_VALUES } from '@/lib/sweeps/sweep-plan'
import { distinctSeeds } from '@/lib/sweeps/axis-input'

const MIN_VARIATIONS = 2
const DEFAULT_VARIATIONS = 4

/** "N variations": the same input N times, each with its own random seed. */
export function VariationsShortcut({ onSeeds }: { onSeeds: (seeds: number[]) => void }) {
  const id = useId()
  const [text, setText] = useState(String(DEFAULT_VARIATIONS))
  const count = Number(text)
  const valid = Number.isInteger(count) && count >= MIN_VARIATIONS && count <= MAX_AXIS_VALUES
  return (
    <div className="grid gap-1">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <label htmlFor={`${id}-count`}>Variations</label>
        <input
          id={`${id}-count`}
          type="number"
          min={MIN_VARIATIONS}
          max={MAX_AXIS_VALUES}
          step={1}
          className={`${controlClass} w-20`}
          value={text}
          aria-invalid={!valid}
          aria-describedby={valid ? undefined : `${id}-error`}
          onChange={(event) => setText(event.target.value)}
        />
        <Button size="sm" disabled={!valid} onClick={() => onSeeds(distinctSeeds(count))}>
          {valid ? `${count} variations` : 'N variations'}
        </Button>
        <span className="text-xs text-muted">The same input with different random seeds.</span>
      </div>
      {!valid && (
        <p id={`${id}-error`} className="text-xs text-danger">
          From {MIN_VARIATIONS} to {MAX_AXIS_VALUES} variations
        </p>
      )}
    </div>
  )
}
