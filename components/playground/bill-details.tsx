import type { TakeProgress } from '@/lib/takes/take-progress'
import { AboveEstimateBadge, BillBasis } from '@/components/takes/take-cost'

/** How the playground's billed amount was reached, and the flag when it is above the estimate. */
export function BillDetails({ cost }: { cost: NonNullable<TakeProgress['cost']> }) {
  return (
    <p className="space-x-2">
      <BillBasis take={cost} full />
      <AboveEstimateBadge take={cost} full />
    </p>
  )
}
