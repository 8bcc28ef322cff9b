'use client'
import { useId } from 'react'
import type { FieldDescriptor } from '@/lib/schema'
import { EXPANSION_FIELD } from '@/lib/sweeps/sweep-plan'

/** The endpoint's prompt-expansion switch, if it has one, and whether it is on unless turned off. */
export function expansionFieldOf(fields: readonly FieldDescriptor[]): { expandsByDefault: boolean } | null {
  const field = fields.find((candidate) => candidate.name === EXPANSION_FIELD && candidate.kind === 'switch')
  return field ? { expandsByDefault: field.defaultValue === true } : null
}

interface ExpansionPinProps {
  fields: readonly FieldDescriptor[]
  pinned: boolean
  onChange: (pinned: boolean) => void
  /** What runs: "sweep" or "batch". */
  noun: string
}

/**
 * "Pin prompt expansion off": every take runs the prompt as typed, so the model's rewriting does not
 * confound the comparison. Nothing when the endpoint has no such field.
 */
export function ExpansionPin({ fields, pinned, onChange, noun }: ExpansionPinProps) {
  const id = useId()
  const expansion = expansionFieldOf(fields)
  if (!expansion) return null
  return (
    <div className="grid gap-0.5 text-sm">
      <label className="flex items-center gap-1.5">
        <input type="checkbox" checked={pinned} aria-describedby={`${id}-note`} onChange={(event) => onChange(event.target.checked)} />
        Pin prompt expansion off
      </label>
      <p id={`${id}-note`} data-testid="expansion-note" className="text-xs text-muted">
        {expansion.expandsByDefault ? 'This model expands (rewrites) prompts by default. ' : ''}
        {pinned
          ? `Every take in the ${noun} runs its prompt as written.`
          : `Each take's prompt may be rewritten differently, which can confound the ${noun}'s comparison.`}
      </p>
    </div>
  )
}
