import 'server-only'
import type { TakeError } from '@/lib/fal/describe-error'
import type { JsonValue } from '@/lib/schema'
import { catalog } from '@/lib/endpoints'
import { finishTake, getTakeByRequestId, getTakeEvenIfDeleted, type Take, type TakePatch } from '@/lib/db/queries'
import { billedTake } from '@/lib/pricing/estimate'
import { keepTakeOutput } from '@/lib/storage/keep-output'
import { copyRetryDelays, copyStateAfter, discardIfDeleted, SETTLE_COPY_LIMITS, tryCopy } from './output-copy'
import { FINISHED_STATUSES } from './take-view'

/** How a take ended, as fal told it (by the result call or by a webhook). */
export type TakeOutcome =
  | { ok: true; output: { [key: string]: JsonValue }; inferenceTime?: number }
  | { ok: false; error: TakeError }

/**
 * The first attempt at the studio's copy of the output: kept, or pending for the output copier to
 * retry (lib/takes/output-copy) while the take plays fal's URL. None for a deleted take.
 */
async function firstCopy(take: Take, output: { [key: string]: JsonValue }): Promise<TakePatch> {
  if (take.deletedAt) return {}
  const copy = copyStateAfter(1, await tryCopy(take.id, output, keepTakeOutput, SETTLE_COPY_LIMITS), copyRetryDelays())
  if (copy.copyStatus === 'pending' || copy.copyStatus === 'failed') {
    console.error(`[takes] could not keep a copy of take ${take.id}'s output (${copy.copyStatus === 'pending' ? 'will retry' : 'gave up'}): ${copy.copyError}`)
  }
  return { ...copy, copyAttempts: copy.copyStatus ? 1 : 0 }
}

/**
 * Records how a take ended: its output (with the studio's own copy and the billed amount) or its
 * error. Idempotent: a take already finished is left as it is. A deleted take that was running
 * is settled too (its bill counts in the day's spend), without a copy.
 */
export async function settleTake(take: Take, outcome: TakeOutcome): Promise<'settled' | 'already'> {
  const current = await getTakeEvenIfDeleted(take.id)
  if (!current || FINISHED_STATUSES.has(current.status)) return 'already'
  const now = new Date()
  if (!outcome.ok) {
    const cancelled = outcome.error.kind === 'request' && outcome.error.errorType === 'client_cancelled'
    const done = await finishTake(take.id, { status: cancelled ? 'CANCELLED' : 'FAILED', error: outcome.error, queuePosition: null, completedAt: now })
    return done ? 'settled' : 'already'
  }
  const endpoint = catalog.find(take.endpointId)
  const bill = endpoint ? billedTake(endpoint, outcome.output, take.input) : null
  const copy = await firstCopy(current, outcome.output)
  const done = await finishTake(take.id, {
    status: 'COMPLETED',
    output: outcome.output,
    billedUsd: bill?.amount ?? null,
    ...(outcome.inferenceTime === undefined ? {} : { inferenceTime: outcome.inferenceTime }),
    queuePosition: null,
    completedAt: now,
    startedAt: current.startedAt ?? now,
    ...copy,
  })
  // Deleted while its output was being copied: the delete removed only what was there then.
  if (done?.deletedAt && copy.videoKey) await discardIfDeleted(take.id)
  return done ? 'settled' : 'already'
}

/** `settleTake` for a webhook, which knows only fal's request id. */
export async function settleTakeByRequestId(falRequestId: string, outcome: TakeOutcome): Promise<'settled' | 'already' | 'unknown'> {
  const take = await getTakeByRequestId(falRequestId)
  return take ? settleTake(take, outcome) : 'unknown'
}
