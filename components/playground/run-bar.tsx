import type { Bill, Estimate } from '@/lib/pricing'
import type { TakeProgress } from '@/lib/takes/take-progress'
import { Button } from '@/components/ui/button'
import { EstimatePanel } from './estimate-panel'

interface RunBarProps {
  estimate: Estimate
  billed: Bill | null
  cost?: TakeProgress['cost']
  /** A take is being submitted or followed. */
  active: boolean
}

/**
 * The estimate and Run, kept in view: it sticks to the bottom of the screen while the form scrolls
 * (on a phone, a bar across it; on a wide screen, the foot of the form's column).
 */
export function RunBar({ estimate, billed, cost, active }: RunBarProps) {
  return (
    <div
      data-testid="run-bar"
      className="sticky bottom-0 z-20 -mx-4 mt-6 border-t border-line bg-ink/95 px-4 py-3 backdrop-blur-sm sm:-mx-6 sm:px-6 lg:mx-0 lg:rounded-lg lg:border lg:bg-panel lg:px-4"
    >
      <EstimatePanel estimate={estimate} billed={billed} cost={cost} />
      <div className="mt-3 flex items-center gap-3">
        <Button type="submit" variant="primary" className="flex-1 py-2.5" disabled={active}>
          {active ? 'Running…' : 'Run'}
        </Button>
        <kbd className="hidden text-xs text-muted sm:inline">Ctrl/⌘ + Enter</kbd>
      </div>
    </div>
  )
}
