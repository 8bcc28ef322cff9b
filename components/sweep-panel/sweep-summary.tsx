import { formatUsd } from '@/lib/pricing/estimate'
import { MAX_SWEEP_TAKES, seedOfCell } from '@/lib/sweeps/sweep-plan'
import type { ExactInteger } from '@/lib/json/exact-integer'

export const takesText = (count: number) => `${count} ${count === 1 ? 'take' : 'takes'}`

interface SweepSummaryProps {
  /** Null while an axis's values are missing or wrong. */
  count: number | null
  totalUsd: number
}

/** "6 takes · total estimate $1.1880", live as the axes and the form change. */
export function SweepSummary({ count, totalUsd }: SweepSummaryProps) {
  return (
    <div className="grid gap-1 text-sm">
      <p role="status" data-testid="sweep-summary">
        {count === null ? (
          'Enter valid values to see the takes'
        ) : (
          <>
            <span data-testid="sweep-take-count" className="font-medium">
              {takesText(count)}
            </span>
            {' · total estimate '}
            <span data-testid="sweep-total-estimate" className="font-mono">
              {formatUsd(totalUsd)}
            </span>
          </>
        )}
      </p>
      {count !== null && count > MAX_SWEEP_TAKES && (
        <p role="alert" className="text-xs text-danger">
          At most {MAX_SWEEP_TAKES} takes in a sweep: remove some values.
        </p>
      )}
    </div>
  )
}

interface SeedNoteProps {
  /** The form's seed (an exact integer), when it has one. */
  seed: ExactInteger | undefined
  varySeed: boolean
  seedSwept: boolean
}

/** Which seed the takes use: the form's, or one the server picks. */
export function SeedNote({ seed, varySeed, seedSwept }: SeedNoteProps) {
  const text = seedSwept
    ? 'Seed: each take uses its swept seed'
    : varySeed
      ? seed === undefined
        ? 'Seeds: one per take, counting up from a seed picked at random'
        : `Seeds: ${seed}, ${seedOfCell(seed, 1, true)}, … one per take`
      : seed === undefined
        ? 'Seed: picked at random, shared by every take'
        : `Seed: ${seed} for every take`
  return (
    <p data-testid="sweep-seed" className="text-xs text-muted">
      {text}
    </p>
  )
}
