import 'server-only'
import type { ViewWatch } from '@/lib/events/sse'
import { loadSweepView } from './load-sweep'
import { sweepIsLive, type SweepView } from './sweep-view'

/** A sweep as its page watches it: it changes with the sweep and with any of its cells' takes. */
export function sweepWatch(id: string): ViewWatch<SweepView> {
  return {
    read: () => loadSweepView(id),
    concerns: (change) => change.sweep === id,
    isFinal: (view) => !sweepIsLive(view) && view.cells.every((cell) => cell.take?.copyStatus !== 'pending'),
  }
}
