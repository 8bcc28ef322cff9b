'use client'
import type { TakeProgress } from '@/lib/takes/take-progress'
import { progressFraction } from '@/lib/takes/progress-fraction'

/** How far a running take is: a bar filled from fal's step or percent logs, or moving when they say nothing. */
export function TakeProgressBar({ take }: { take: Pick<TakeProgress, 'status' | 'logs'> }) {
  if (take.status !== 'IN_PROGRESS' && take.status !== 'IN_QUEUE' && take.status !== 'SUBMITTING') return null
  const fraction = take.status === 'IN_PROGRESS' ? progressFraction(take.logs) : null
  const label = take.status === 'IN_PROGRESS' ? 'Generating' : take.status === 'IN_QUEUE' ? 'Waiting in fal’s queue' : 'Submitting'
  return (
    <div className="w-full space-y-1" data-testid="take-progress">
      <div className="flex justify-between text-xs text-muted">
        <span>{label}</span>
        {fraction !== null && <span data-testid="take-progress-percent">{Math.round(fraction * 100)}%</span>}
      </div>
      {/* Without a value the bar is indeterminate: the browser shows it moving. */}
      <progress
        aria-label={fraction === null ? label : `${label}: ${Math.round(fraction * 100)}%`}
        className="take-progress h-2 w-full overflow-hidden rounded-full"
        max={1}
        {...(fraction !== null ? { value: fraction } : {})}
      />
    </div>
  )
}
