import 'server-only'
import type { Endpoint } from '@/lib/endpoints'
import type { TakeError } from '@/lib/fal/describe-error'
import type { Payload } from '@/lib/schema'
import { createTake, finishTake, releaseLease, updateTake, type Take } from '@/lib/db/queries'
import { sleep } from '@/lib/async/sleep'
import { recordWithinCaps, spendCaps, type BudgetRefusal } from './spend-guard'

/** Long enough for one submit; if the server dies mid-submit, a follower ends the take after it. */
export const SUBMIT_LEASE_MS = 2 * 60_000
/** The lease owner of takes whose submit is under way (a follower's owner never looks like this). */
const SUBMITTER = 'submit'
const CONFIRM_ATTEMPTS = 4

/**
 * Records a take before its submit leaves the server, so a take fal accepts is never unrecorded —
 * unless it breaks a spending cap (checked and recorded atomically): then nothing is recorded. It
 * is leased to its submit, so no follower picks it up before it has a request id.
 */
export async function recordSubmit(
  endpoint: Endpoint,
  input: Payload,
  estimateUsd: number,
  sweep?: { id: string; index: number },
  env: Readonly<Record<string, string | undefined>> = process.env,
  /** The take this one continues, already checked. */
  parentTakeId?: string,
): Promise<{ take: Take } | { refusal: BudgetRefusal }> {
  return recordWithinCaps({ endpointId: endpoint.id, input, estimateUsd, lease: { owner: SUBMITTER, ms: SUBMIT_LEASE_MS }, sweep, parentTakeId }, spendCaps(env))
}

/**
 * fal accepted the submit: store its request id and hand the take to the followers. Retried,
 * because a take fal accepted must stay followable.
 */
export async function confirmSubmit(take: Take, requestId: string, queuePosition: number | undefined) {
  for (let attempt = 1; ; attempt++) {
    try {
      await updateTake(take.id, { falRequestId: requestId, queuePosition: queuePosition ?? null })
      await releaseLease(SUBMITTER, [take.id])
      return
    } catch (error) {
      if (attempt >= CONFIRM_ATTEMPTS) throw error
      await sleep(250 * 2 ** attempt)
    }
  }
}

/** fal refused the submit: the take stays, failed, saying why. Nothing runs, nothing is billed. */
export async function refuseSubmit(take: Take, error: TakeError) {
  await finishTake(take.id, { status: 'FAILED', error, queuePosition: null, completedAt: new Date() })
}

/** A sweep cell refused before it was submitted (over a cap, invalid): a failed take in its cell says why. Nothing is billed. */
export async function recordRefusedCell(endpoint: Endpoint, input: Payload, estimateUsd: number, sweep: { id: string; index: number }, error: TakeError) {
  // Failed from its first moment: never counted as running spend, never claimed by a follower.
  const take = await createTake({ endpointId: endpoint.id, input, estimateUsd, sweep, status: 'FAILED' })
  await updateTake(take.id, { error, completedAt: new Date() })
}
