import 'server-only'
import type { Endpoint } from '@/lib/endpoints'
import type { InputMediaFacts } from '@/lib/generation/output-shape'
import type { FormValues, Payload } from '@/lib/schema'
import { createTake, deleteTake, releaseLease, updateTake, type Take } from '@/lib/db/queries'
import { estimateTake } from '@/lib/pricing/estimate'

/** Long enough for one forwarded submit; if the server dies mid-submit, a follower ends the take after it. */
const SUBMIT_LEASE_MS = 2 * 60_000
/** The lease owner of takes whose submit is under way (a follower's owner never looks like this). */
const SUBMITTER = 'submit'

/**
 * Records a take before its submit leaves the server, so a take fal accepts is never unrecorded.
 * It is leased to its submit, so no follower picks it up before it has a request id.
 */
export async function recordSubmit(endpoint: Endpoint, defaults: FormValues, input: Payload, media: InputMediaFacts): Promise<Take> {
  const estimate = estimateTake({ pricing: endpoint.pricing, outputRule: endpoint.outputRule, defaults }, input, media)
  return createTake({ endpointId: endpoint.id, input, estimateUsd: estimate.amount, lease: { owner: SUBMITTER, ms: SUBMIT_LEASE_MS } })
}

/** fal accepted the submit: store its request id and hand the take to the followers. */
export async function confirmSubmit(take: Take, requestId: string, queuePosition: number | undefined) {
  await updateTake(take.id, { falRequestId: requestId, queuePosition: queuePosition ?? null })
  await releaseLease(SUBMITTER, [take.id])
}

/** The submit was refused (nothing runs, nothing is billed): the record goes. */
export async function abandonSubmit(take: Take) {
  await deleteTake(take.id)
}
