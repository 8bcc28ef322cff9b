import { lazy, Suspense, useEffect, useRef } from 'react'
import type { Bill, Estimate } from '@/lib/pricing'
import { formatUsd } from '@/lib/pricing'
import type { TakeProgress } from '@/lib/takes/take-progress'
import { SimulatedTag } from '@/components/takes/simulated-amounts'

// How a bill was reached shows only once a take has ended: a chunk of its own, not in the first load.
const BillDetails = lazy(() => import('./bill-details').then((module) => ({ default: module.BillDetails })))

interface EstimatePanelProps {
  estimate: Estimate
  /** What the completed take costs: the amount recorded, with its output's breakdown. */
  billed: Bill | null
  /** How the recorded bill was reached (fal's units, or the output), and whether it is above the estimate. */
  cost?: TakeProgress['cost']
}

/** The live cost estimate with its sum and its assumptions; the billed amount once a take completes. */
export function EstimatePanel({ estimate, billed, cost }: EstimatePanelProps) {
  const howDetails = useRef<HTMLDetailsElement>(null)
  useEffect(() => {
    // Open on a wide screen; on a phone the bar that holds it sticks to the screen, so it starts closed.
    if (!window.matchMedia('(min-width: 1024px)').matches) howDetails.current?.removeAttribute('open')
  }, [])
  return (
    <section aria-label="Cost" className="space-y-2 text-sm">
      <div className="flex items-baseline justify-between gap-3">
        <h2 className="flex items-center gap-2 font-medium">
          Estimate <SimulatedTag />
        </h2>
        <output data-testid="estimate-amount" aria-live="polite" className="font-mono text-lg">
          {formatUsd(estimate.amount)}
        </output>
      </div>
      <details ref={howDetails} open className="text-xs">
        <summary className="cursor-pointer text-muted">
          How this is estimated{estimate.assumptions.length > 0 && ` (${estimate.assumptions.length} assumption${estimate.assumptions.length === 1 ? '' : 's'})`}
        </summary>
        <p data-testid="estimate-breakdown" className="mt-1 font-mono text-muted">
          {estimate.breakdown}
        </p>
        {estimate.assumptions.length > 0 && (
          <ul data-testid="estimate-assumptions" className="mt-1 list-disc space-y-0.5 pl-5 text-amber-200/90">
            {estimate.assumptions.map((assumption) => (
              <li key={assumption}>{assumption}</li>
            ))}
          </ul>
        )}
      </details>
      {billed && (
        <div className="flex items-baseline justify-between gap-3 border-t border-line pt-2">
          <h3 className="flex items-center gap-2 font-medium">
            Billed <SimulatedTag />
          </h3>
          <div className="text-right">
            <output data-testid="billed-amount" className="font-mono text-lg text-emerald-300">
              {formatUsd(billed.amount)}
            </output>
            {billed.breakdown && (
              <p data-testid="billed-breakdown" className="font-mono text-xs text-muted">
                {billed.breakdown}
              </p>
            )}
            {cost && (
              <Suspense fallback={null}>
                <BillDetails cost={cost} />
              </Suspense>
            )}
          </div>
        </div>
      )}
    </section>
  )
}
