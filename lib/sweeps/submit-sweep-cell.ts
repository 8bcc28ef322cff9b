import 'server-only'
import { ApiError, type FalClient } from '@fal-ai/client'
import { reserveSweepCell, type Sweep } from '@/lib/db/sweep-queries'
import { backendMode } from '@/lib/fal/backend'
import { describeFalError } from '@/lib/fal/describe-error'
import { webhookUrlOf } from '@/lib/fal/webhook-route'
import { compiledEndpoint } from '@/lib/endpoints/compiled'
import { inputMediaFacts } from '@/lib/takes/input-media-facts'
import { confirmSubmit, recordRefusedCell, recordSubmit, refuseSubmit } from '@/lib/takes/record-take'
import { estimateTake, pricedEndpoint } from '@/lib/pricing/estimate'
import { budgetTakeError } from '@/lib/takes/spend-guard'
import { cellInput } from './sweep-plan'

/**
 * Submits the sweep's next cell, the way the proxy submits a browser's take: recorded first, then
 * submitted, then confirmed with fal's request id, after which the follower follows it. A refused
 * submit leaves a failed take in its cell. False when there was no cell to submit.
 */
export async function submitNextSweepCell(sweep: Sweep, client: FalClient, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const found = compiledEndpoint(sweep.endpointId)
  if (!found) throw new Error(`Sweep ${sweep.id}: endpoint ${sweep.endpointId} left the catalog`)
  const index = await reserveSweepCell(sweep)
  if (index === null) return false
  sweep.nextIndex = index + 1
  const input = cellInput(sweep.input, sweep.axes, index, sweep.seed, sweep.varySeed)
  const { facts: media } = await inputMediaFacts(input, backendMode(env), env)
  const { endpoint, compiled } = found
  const estimate = estimateTake(pricedEndpoint(endpoint, compiled), input, media)
  // Today's spend may have grown since the sweep was checked: each cell is checked again, atomically.
  const cell = { id: sweep.id, index }
  const recorded = await recordSubmit(endpoint, input, estimate.amount, cell, env)
  if ('refusal' in recorded) {
    await recordRefusedCell(endpoint, input, estimate.amount, cell, budgetTakeError(recorded.refusal))
    return true
  }
  const { take } = recorded
  let queued: { request_id: string; queue_position?: number }
  try {
    queued = await client.queue.submit(sweep.endpointId, { input, webhookUrl: webhookUrlOf(env) })
  } catch (error) {
    // An answer from fal is a refusal; anything else may have reached fal, and the take stays
    // leased to its submit until the follower ends it as lost.
    if (error instanceof ApiError) await refuseSubmit(take, describeFalError(error))
    else console.error(`[takes] sweep ${sweep.id} cell ${index}: submit failed:`, error instanceof Error ? error.message : error)
    return true
  }
  await confirmSubmit(take, queued.request_id, queued.queue_position)
  return true
}
