import 'server-only'
import { backendMode } from '@/lib/fal/backend'
import { createSweepRecord, type Sweep } from '@/lib/db/sweep-queries'
import { estimateTake, pricedEndpoint } from '@/lib/pricing/estimate'
import { inputMediaFacts } from '@/lib/takes/input-media-facts'
import { checkBudget, spendCaps, type BudgetRefusal } from '@/lib/takes/spend-guard'
import { ApiError, refusalOf } from '@/lib/http/api-error'
import type { CheckedSweep, SweepCheck } from './sweep-request'
import { batchPath, sweepPath, type CreatedSweep } from './sweep-view'
import { seedRecordOf } from './sweep-plan'

/**
 * Records a checked sweep (or batch), unless it would break a spending cap; the sweep runner submits its takes
 * from then on. Its total is the sum of each cell's estimate, from the same `estimateTake` and media
 * facts each take records at submit.
 */
export async function startSweep(sweep: CheckedSweep, env: NodeJS.ProcessEnv = process.env): Promise<{ ok: true; sweep: Sweep } | { ok: false; refusal: BudgetRefusal }> {
  const { endpoint, compiled } = sweep
  // Media fields cannot be swept or set by a batch row, so every cell has the base input's media.
  const { facts: media } = await inputMediaFacts(sweep.input, backendMode(env), env)
  const priced = pricedEndpoint(endpoint, compiled)
  const estimates = sweep.inputs.map((input) => estimateTake(priced, input, media).amount)
  const refusal = await checkBudget(estimates, spendCaps(env))
  if (refusal) return { ok: false, refusal }
  const estimateUsd = estimates.reduce((total, amount) => total + amount, 0)
  const record = await createSweepRecord({
    kind: sweep.kind,
    rows: sweep.rows,
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

/**
 * What `POST /api/sweeps` and `POST /api/batches` answer for a checked request: the recorded sweep or
 * batch, or an ApiError saying why nothing was recorded (and so nothing submitted).
 */
export async function startRequested(checked: SweepCheck): Promise<CreatedSweep> {
  if (!checked.ok) throw refusalOf(checked)
  const what = checked.sweep.kind
  let started: Awaited<ReturnType<typeof startSweep>>
  try {
    started = await startSweep(checked.sweep)
  } catch (error) {
    console.error(`[takes] could not record a ${what}:`, error instanceof Error ? error.message : error)
    throw new ApiError(503, `The studio could not record this ${what}, so nothing was submitted. Try again in a moment.`)
  }
  if (!started.ok) throw new ApiError(402, started.refusal.detail)
  const { sweep } = started
  return { id: sweep.id, url: what === 'batch' ? batchPath(sweep.id) : sweepPath(sweep.id), count: sweep.cellCount, estimateUsd: sweep.estimateUsd }
}
