import type { TakeView } from '@/lib/takes/take-view'
import { CompareSelection } from './compare-selection'
import { TakeCard } from './take-card'

export function HistoryGrid({ takes, origin, now }: { takes: TakeView[]; origin: string; now: number }) {
  return (
    <CompareSelection>
      <ul aria-label="Takes" className="mt-6 grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4">
        {takes.map((take) => (
          <li key={take.id} className="min-w-0">
            <TakeCard take={take} origin={origin} now={now} />
          </li>
        ))}
      </ul>
    </CompareSelection>
  )
}
