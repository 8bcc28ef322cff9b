import 'server-only'
import { backendMode } from '@/lib/fal/backend'
import { createSweepRecord, type Sweep } from '@/lib/db/sweep-queries'
import { estimateTake } from '@/lib/pricing/estimate'
import { inputMediaFacts } from '@/lib/takes/input-media-facts'
import type { CheckedSweep } from './sweep-request'

/**
 * Records a checked sweep; the sweep runner submits its takes from then on. Its total is the sum of
 * each cell's estimate, from the same `estimateTake` and media facts each take records at submit.
 */
export async function startSweep(sweep: CheckedSweep, env: NodeJS.ProcessEnv = process.env): Promise<Sweep> {
  const { endpoint, compiled } = sweep
  // Media fields cannot be swept, so every cell has the base input's media.
  const media = await inputMediaFacts(sweep.input, backendMode(env))
  const priced = { pricing: endpoint.pricing, outputRule: endpoint.outputRule, defaults: compiled.defaults }
  const estimateUsd = sweep.inputs.reduce((total, input) => total + estimateTake(priced, input, media).amount, 0)
  return createSweepRecord({
    endpointId: endpoint.id,
    input: sweep.input,
    axes: sweep.axes,
    seed: sweep.seed,
    varySeed: sweep.varySeed,
    concurrency: sweep.concurrency,
    cellCount: sweep.inputs.length,
    estimateUsd,
  })
}
