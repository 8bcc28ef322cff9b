import type { Bill, Estimate } from '@/lib/pricing'
import { formatUsd } from '@/lib/pricing'

interface EstimatePanelProps {
  estimate: Estimate
  /** What the completed take costs, from its output. */
  billed: Bill | null
}

/** The live cost estimate with its sum and its assumptions; the billed amount once a take completes. */
export function EstimatePanel({ estimate, billed }: EstimatePanelProps) {
  return (
    <section aria-label="Cost" className="space-y-2 text-sm">
      <div className="flex items-baseline justify-between gap-3">
        <h2 className="font-medium">Estimate</h2>
        <output data-testid="estimate-amount" aria-live="polite" className="font-mono text-lg">
          {formatUsd(estimate.amount)}
        </output>
      </div>
      <p data-testid="estimate-breakdown" className="font-mono text-xs text-muted">
        {estimate.breakdown}
      </p>
      {estimate.assumptions.length > 0 && (
        <ul data-testid="estimate-assumptions" className="list-disc space-y-0.5 pl-5 text-xs text-amber-200/90">
          {estimate.assumptions.map((assumption) => (
            <li key={assumption}>{assumption}</li>
          ))}
        </ul>
      )}
      {billed && (
        <div className="flex items-baseline justify-between gap-3 border-t border-line pt-2">
          <h3 className="font-medium">Billed</h3>
          <div className="text-right">
            <output data-testid="billed-amount" className="font-mono text-lg text-emerald-300">
              {formatUsd(billed.amount)}
            </output>
            <p data-testid="billed-breakdown" className="font-mono text-xs text-muted">
              {billed.breakdown}
            </p>
          </div>
        </div>
      )}
    </section>
  )
}
