import 'server-only'
import type { Endpoint } from '@/lib/endpoints'
import type { TakeError } from '@/lib/fal/describe-error'
import type { Payload } from '@/lib/schema'
import { createTake, finishTake, purgeUnsubmittedTake, releaseLease, updateTake, type Take } from '@/lib/db/queries'
import { recordWithinCaps, spendCaps, type BudgetRefusal } from './spend-guard'

/** Long enough for one forwarded submit; if the server dies mid-submit, a follower ends the take after it. */
const SUBMIT_LEASE_MS = 2 * 60_000
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
): Promise<{ take: Take } | { refusal: BudgetRefusal }> {
  return recordWithinCaps({ endpointId: endpoint.id, input, estimateUsd, lease: { owner: SUBMITTER, ms: SUBMIT_LEASE_MS }, sweep }, spendCaps(env))
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
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt))
    }
  }
}

/** The browser's submit was refused (nothing runs, nothing is billed): the record goes, the browser shows why. */
export async function abandonSubmit(take: Take) {
  await purgeUnsubmittedTake(take.id)
}

/** A sweep cell's submit was refused: the take stays, failed, so its cell says why. Nothing is billed. */
export async function refuseSubmit(take: Take, error: TakeError) {
  await finishTake(take.id, { status: 'FAILED', error, queuePosition: null, completedAt: new Date() })
}

/** A sweep cell refused before it was submitted (over a cap): a failed take in its cell says why. Nothing is billed. */
export async function recordRefusedCell(endpoint: Endpoint, input: Payload, estimateUsd: number, sweep: { id: string; index: number }, error: TakeError) {
  // Failed from its first moment: never counted as running spend, never claimed by a follower.
  const take = await createTake({ endpointId: endpoint.id, input, estimateUsd, sweep, status: 'FAILED' })
  await updateTake(take.id, { error, completedAt: new Date() })
}
