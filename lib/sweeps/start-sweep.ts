import 'server-only'
import { backendMode } from '@/lib/fal/backend'
import { createSweepRecord, type Sweep } from '@/lib/db/sweep-queries'
import { estimateTake, pricedEndpoint } from '@/lib/pricing/estimate'
import { inputMediaFacts } from '@/lib/takes/input-media-facts'
import { checkBudget, spendCaps, type BudgetRefusal } from '@/lib/takes/spend-guard'
import type { CheckedSweep } from './sweep-request'
import { seedRecordOf } from './sweep-plan'

/**
 * Records a checked sweep, unless it would break a spending cap; the sweep runner submits its takes
 * from then on. Its total is the sum of each cell's estimate, from the same `estimateTake` and media
 * facts each take records at submit.
 */
export async function startSweep(sweep: CheckedSweep, env: NodeJS.ProcessEnv = process.env): Promise<{ ok: true; sweep: Sweep } | { ok: false; refusal: BudgetRefusal }> {
  const { endpoint, compiled } = sweep
  // Media fields cannot be swept, so every cell has the base input's media.
  const { facts: media } = await inputMediaFacts(sweep.input, backendMode(env), env)
  const priced = pricedEndpoint(endpoint, compiled)
  const estimates = sweep.inputs.map((input) => estimateTake(priced, input, media).amount)
  const refusal = await checkBudget(estimates, spendCaps(env))
  if (refusal) return { ok: false, refusal }
  const estimateUsd = estimates.reduce((total, amount) => total + amount, 0)
  const record = await createSweepRecord({
    endpointId: endpoint.id,
    input: sweep.input,
    axes: sweep.axes,
    seed: seedRecordOf(sweep.seed),
    varySeed: sweep.varySeed,
    concurrency: sweep.concurrency,
    cellCount: sweep.inputs.length,
    estimateUsd,
  })
  return { ok: true, sweep: record }
}
