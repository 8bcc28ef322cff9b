import type { ReactNode } from 'react'
import { Tooltip } from '@/components/ui/tooltip'
import { formatUsd, unitsBreakdown, unitsText } from '@/lib/pricing'
import type { TakeView } from '@/lib/takes/take-view'
import { usdOrDash } from './display-format'
import { SimulatedTag } from './simulated-amounts'

type CostOf = Pick<TakeView, 'estimateUsd' | 'billedUsd' | 'billing' | 'billedAboveEstimate'>

function basisText(billing: NonNullable<CostOf['billing']>, billedUsd: number, full: boolean): string {
  switch (billing.basis) {
    case 'fal':
      return full ? `fal billed ${unitsBreakdown(billing.units, billing.unit, billing.rateUsd, billedUsd)}.` : `fal billed ${unitsText(billing.units, billing.unit)}`
    case 'output':
      return full
        ? 'Estimated from the output: fal stated no billable units for this take, so this is its output’s size and length at the endpoint’s rate.'
        : 'estimated from the output'
    case 'estimate':
      return full ? 'Counted at its estimate: fal billed this take, and no longer holds its result to say how much.' : 'counted at its estimate'
  }
}

/** How the billed amount was reached, in a few words (a card) or in full (a take's page). */
export function BillBasis({ take, full = false }: { take: CostOf; full?: boolean }) {
  const { billing, billedUsd } = take
  if (!billing || billedUsd === null) return null
  const text = basisText(billing, billedUsd, full)
  return (
    <span data-testid="bill-basis" data-bill-basis={billing.basis} className="text-xs text-muted">
      {text}
    </span>
  )
}

/** A visible flag, in words, on a take billed above its estimate: the estimate failed as an upper bound. */
export function AboveEstimateBadge({ take, full = false }: { take: CostOf; full?: boolean }) {
  if (!take.billedAboveEstimate || take.billedUsd === null || take.estimateUsd === null) return null
  const over = formatUsd(take.billedUsd - take.estimateUsd)
  const badge = (
    <span
      data-testid="billed-above-estimate"
      role="note"
      tabIndex={full ? undefined : 0}
      className="inline-block rounded border border-danger/60 px-1.5 font-sans text-xs font-medium text-danger"
    >
      {full ? `Billed above estimate by ${over}: the estimate failed as an upper bound` : 'Above estimate'}
    </span>
  )
  // The short badge says the rest on hover or focus; the full one says it all already.
  return full ? badge : <Tooltip content={`Billed ${over} more than estimated. The estimate is meant to be an upper bound: this one failed as one.`}>{badge}</Tooltip>
}

function Amount({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <div className="flex gap-1">
      <dt className="text-muted">{label}</dt>
      <dd className="font-mono" data-testid={testId}>
        {children}
      </dd>
    </div>
  )
}

/** A history card's cost: estimate and bill side by side, how the bill was reached, and any flag. */
export function TakeCostSummary({ take }: { take: CostOf }) {
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs">
        <dl className="flex flex-wrap gap-x-4 gap-y-1">
          <Amount label="Estimate" testId="take-estimate">
            {usdOrDash(take.estimateUsd)}
          </Amount>
          <Amount label="Billed" testId="take-billed">
            {usdOrDash(take.billedUsd)}
          </Amount>
        </dl>
        <SimulatedTag />
        <AboveEstimateBadge take={take} />
      </div>
      <BillBasis take={take} />
    </div>
  )
}

/** A take page's "Cost": estimated before, billed after, how the bill was reached, and any flag. */
export function TakeCostFacts({ take }: { take: CostOf }) {
  return (
    <section aria-label="Cost" className="space-y-2 rounded-lg border border-line bg-panel p-4">
      <h2 className="flex items-center gap-2 text-sm font-medium">
        Cost <SimulatedTag />
      </h2>
      <dl className="grid grid-cols-2 gap-x-3 gap-y-2 text-sm">
        <div>
          <dt className="text-xs text-muted">Estimated</dt>
          <dd className="font-mono" data-testid="share-estimate">
            {usdOrDash(take.estimateUsd)}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-muted">Billed</dt>
          <dd className="font-mono" data-testid="share-billed">
            {usdOrDash(take.billedUsd)}
          </dd>
        </div>
      </dl>
      <p>
        <BillBasis take={take} full />
      </p>
      <AboveEstimateBadge take={take} full />
    </section>
  )
}
