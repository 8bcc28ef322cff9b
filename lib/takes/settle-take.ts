import 'server-only'
import type { TakeError } from '@/lib/fal/describe-error'
import { describeForm, type JsonValue, type Payload } from '@/lib/schema'
import { catalog, type Endpoint } from '@/lib/endpoints'
import type { Output } from '@/lib/generation/output-video'
import { claimSettle, finishTake, releaseSettle, getTakeByRequestId, type Take, type TakePatch } from '@/lib/db/queries'
import { NO_BILL, settledBill, type SettledBill } from '@/lib/pricing/billed'
import { inputWithSeedUsed } from './seed-used'
import { isResultExpired } from './result-expired'
import { keepTakeOutput } from '@/lib/storage/keep-output'
import { copyRetryDelays, copyStateAfter, discardIfDeleted, SETTLE_COPY_LIMITS, tryCopy } from './output-copy'

/**
 * How a take ended, as fal told it (by the result call or by a webhook), with the units fal bills
 * it for when fal said (the result answer's `x-fal-billable-units`; a webhook does not say).
 */
export type TakeOutcome = (
  | { ok: true; output: { [key: string]: JsonValue }; inferenceTime?: number }
  | { ok: false; error: TakeError }
) & { billableUnits?: number | null }

/** How long a settle claim lasts: the result, the first output copy and the record, with room to spare. */
export const SETTLE_CLAIM_MS = 5 * 60_000

/** What the take is billed: fal's units × the endpoint's rate when fal said them, else computed from its output. */
function billOf(endpoint: Endpoint, input: Payload, output: Output | undefined, billableUnits: number | null | undefined): SettledBill {
  return settledBill(endpoint, { input, output, billableUnits: billableUnits ?? null }, describeForm(endpoint.input).defaults)
}

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
 * Records how a take ended, by the process holding its settle claim (`claimSettle`): its output
 * (with the studio's own copy and the billed amount) or its error. A deleted take that was running
 * is settled too (its bill counts in the day's spend), without a copy.
 */
export async function settleClaimed(claimed: Take, outcome: TakeOutcome): Promise<'settled' | 'already'> {
  const now = new Date()
  const endpoint = catalog.find(claimed.endpointId)
  if (!outcome.ok) {
    const cancelled = outcome.error.kind === 'request' && outcome.error.errorType === 'client_cancelled'
    // fal billed a take whose result it no longer holds: it counts at its estimate (the upper bound).
    const bill = isResultExpired(outcome.error)
      ? { ...NO_BILL, billedUsd: claimed.estimateUsd }
      : endpoint
        ? billOf(endpoint, claimed.input, undefined, outcome.billableUnits)
        : NO_BILL
    const done = await finishTake(claimed.id, { status: cancelled ? 'CANCELLED' : 'FAILED', error: outcome.error, ...bill, queuePosition: null, completedAt: now })
    return done ? 'settled' : 'already'
  }
  const bill = endpoint ? billOf(endpoint, claimed.input, outcome.output, outcome.billableUnits) : NO_BILL
  const copy = await firstCopy(claimed, outcome.output)
  const done = await finishTake(claimed.id, {
    status: 'COMPLETED',
    output: outcome.output,
    // A take recovered by a late webhook drops the "no longer held" error it ended with.
    error: null,
    // The seed fal picked becomes part of the take's parameters: a remix reproduces it exactly.
    ...(endpoint ? { input: inputWithSeedUsed(claimed.input, outcome.output, endpoint.input) } : {}),
    ...bill,
    ...(outcome.inferenceTime === undefined ? {} : { inferenceTime: outcome.inferenceTime }),
    queuePosition: null,
    completedAt: now,
    startedAt: claimed.startedAt ?? now,
    ...copy,
  })
  // Deleted while its output was being copied: the delete removed only what was there then.
  if (done?.deletedAt && copy.videoKey) await discardIfDeleted(claimed.id)
  return done ? 'settled' : 'already'
}

/** Claims the take and records its end; 'already' when it has ended or another process is settling it. */
export async function settleTake(take: Pick<Take, 'id'>, outcome: TakeOutcome): Promise<'settled' | 'already'> {
  const claimed = await claimSettle(take.id, SETTLE_CLAIM_MS)
  if (!claimed) return 'already'
  try {
    return await settleClaimed(claimed, outcome)
  } catch (error) {
    await releaseSettle(take.id).catch(() => {})
    throw error
  }
}

/** `settleTake` for a webhook, which knows only fal's request id. */
export async function settleTakeByRequestId(falRequestId: string, outcome: TakeOutcome): Promise<'settled' | 'already' | 'unknown'> {
  const take = await getTakeByRequestId(falRequestId)
  return take ? settleTake(take, outcome) : 'unknown'
}
