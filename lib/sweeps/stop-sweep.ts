import 'server-only'
import type { FalClient } from '@fal-ai/client'
import { addSweepSaving, endSweep, getSweep, listSweepTakes, type Sweep } from '@/lib/db/sweep-queries'
import type { Take } from '@/lib/db/queries'
import { compiledEndpoint } from '@/lib/endpoints/compiled'
import { backendMode } from '@/lib/fal/backend'
import { estimateTake, pricedEndpoint } from '@/lib/pricing/estimate'
import { cancelTake } from '@/lib/takes/cancel-take'
import { inputMediaFacts } from '@/lib/takes/input-media-facts'
import { cellInput } from './sweep-plan'

/** What stopping a sweep did: takes whose cancel fal took, cells never submitted, and their estimates. */
export interface SweepStopped {
  cancelled: number
  notSubmitted: number
  savedUsd: number
}

/** The estimates of the cells a stopped sweep never submitted (each as its take would have been estimated). */
async function unsubmittedEstimate(sweep: Sweep, env: NodeJS.ProcessEnv): Promise<number> {
  const found = compiledEndpoint(sweep.endpointId)
  if (!found || sweep.nextIndex >= sweep.cellCount) return 0
  const { facts } = await inputMediaFacts(sweep.input, backendMode(env), env)
  const priced = pricedEndpoint(found.endpoint, found.compiled)
  let total = 0
  for (let index = sweep.nextIndex; index < sweep.cellCount; index++) {
    total += estimateTake(priced, cellInput(sweep.input, sweep, index, sweep.seed, sweep.varySeed), facts).amount
  }
  return total
}

/** Asks fal to cancel each take still waiting in its queue; the estimates of those it took. */
export async function cancelQueuedTakes(takes: readonly Take[], client: FalClient): Promise<{ cancelled: number; savedUsd: number }> {
  const queued = takes.filter((take) => take.status === 'IN_QUEUE' && take.falRequestId)
  const answers = await Promise.all(queued.map((take) => cancelTake(take.id, client).catch(() => null)))
  const taken = queued.filter((_, index) => answers[index]?.answer === 'cancelling')
  return { cancelled: taken.length, savedUsd: taken.reduce((total, take) => total + (take.estimateUsd ?? 0), 0) }
}

/**
 * Stops a running sweep: nothing more is submitted, and its takes still waiting in fal's queue are
 * cancelled (running ones finish). Null when there is no such sweep; a sweep already ended is left as it is.
 */
export async function stopSweep(id: string, client: FalClient, env: NodeJS.ProcessEnv = process.env): Promise<SweepStopped | null> {
  const stopped = await endSweep(id, 'STOPPED')
  if (!stopped) return (await getSweep(id)) ? { cancelled: 0, notSubmitted: 0, savedUsd: 0 } : null
  const [notSubmittedUsd, queued] = await Promise.all([unsubmittedEstimate(stopped, env), listSweepTakes(id).then((takes) => cancelQueuedTakes(takes, client))])
  const savedUsd = notSubmittedUsd + queued.savedUsd
  await addSweepSaving(id, savedUsd)
  return { cancelled: queued.cancelled, notSubmitted: stopped.cellCount - stopped.nextIndex, savedUsd }
}
