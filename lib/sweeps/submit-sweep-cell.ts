import 'server-only'
import type { FalClient } from '@fal-ai/client'
import { addSweepSaving, getSweep, reserveSweepCell, type Sweep } from '@/lib/db/sweep-queries'
import { getTake } from '@/lib/db/queries'
import { submitTake } from '@/lib/takes/submit-take'
import { cellInput } from './sweep-plan'
import { cancelQueuedTakes } from './stop-sweep'

/**
 * Submits the sweep's next cell through the take service, with the same rules as any take; a
 * refused cell keeps a failed take that says why. False when there was no cell to submit.
 */
export async function submitNextSweepCell(sweep: Sweep, client: FalClient, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const index = await reserveSweepCell(sweep)
  if (index === null) return false
  sweep.nextIndex = index + 1
  const input = cellInput(sweep.input, sweep, index, sweep.seed, sweep.varySeed)
  const result = await submitTake({ endpointId: sweep.endpointId, input, sweep: { id: sweep.id, index } }, { client, env })
  if (result.outcome === 'unrecorded') throw result.cause
  // Stopped while this cell was on its way: it is cancelled like the sweep's other queued takes.
  if (result.outcome === 'queued' && (await getSweep(sweep.id))?.status === 'STOPPED') {
    const take = await getTake(result.take.id)
    const { savedUsd } = await cancelQueuedTakes(take ? [take] : [], client)
    if (savedUsd > 0) await addSweepSaving(sweep.id, savedUsd)
  }
  return true
}
