import 'server-only'
import { getSweep, listSweepTakes, type Sweep } from '@/lib/db/sweep-queries'
import type { Take } from '@/lib/db/queries'
import { takeViewOf } from '@/lib/takes/take-view'
import { cellFields, seedOfRecord } from './sweep-plan'
import type { SweepCellTake, SweepView } from './sweep-view'

function cellTakeOf(take: Take): SweepCellTake {
  const { logs: _logs, ...view } = takeViewOf(take)
  return view
}

/** The sweep (or batch) as pages and the API show it: its settings and one cell per combination (or row), in cell order. */
function sweepViewOf(sweep: Sweep, takes: readonly Take[]): SweepView {
  const byIndex = new Map(takes.map((take) => [take.sweepIndex, take]))
  return {
    id: sweep.id,
    endpointId: sweep.endpointId,
    kind: sweep.kind,
    status: sweep.status,
    axes: sweep.axes,
    input: sweep.input,
    seed: seedOfRecord(sweep.seed),
    varySeed: sweep.varySeed,
    concurrency: sweep.concurrency,
    estimateUsd: sweep.estimateUsd,
    savedUsd: sweep.savedUsd,
    createdAt: sweep.createdAt.toISOString(),
    cells: Array.from({ length: sweep.cellCount }, (_, index) => {
      const take = byIndex.get(index)
      return { index, values: cellFields(sweep, index), submitted: index < sweep.nextIndex, take: take ? cellTakeOf(take) : null }
    }),
  }
}

export async function loadSweepView(id: string): Promise<SweepView | null> {
  const sweep = await getSweep(id)
  return sweep ? sweepViewOf(sweep, await listSweepTakes(id)) : null
}
