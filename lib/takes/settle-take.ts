import 'server-only'
import type { TakeError } from '@/lib/fal/describe-error'
import type { JsonValue } from '@/lib/schema'
import { catalog } from '@/lib/endpoints'
import { finishTake, getTake, getTakeByRequestId, type Take } from '@/lib/db/queries'
import { billedTake } from '@/lib/pricing/estimate'
import { keepTakeOutput } from '@/lib/storage/keep-output'
import { FINISHED_STATUSES } from './take-view'

/** How a take ended, as fal told it (by the result call or by a webhook). */
export type TakeOutcome =
  | { ok: true; output: { [key: string]: JsonValue }; inferenceTime?: number }
  | { ok: false; error: TakeError }

const KEEP_ATTEMPTS = 3

/** The studio's copy of the output; a failed copy leaves fal's URL in use rather than losing the take. */
async function keptCopy(take: Take, output: { [key: string]: JsonValue }) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await keepTakeOutput(take.id, output)
    } catch (error) {
      if (attempt >= KEEP_ATTEMPTS) {
        console.error(`[takes] could not keep a copy of take ${take.id}'s output:`, error instanceof Error ? error.message : error)
        return { videoKey: null, posterKey: null }
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt))
    }
  }
}

/**
 * Records how a take ended: its output (with the studio's own copy and the billed amount) or its
 * error. Idempotent: a take already finished is left as it is.
 */
export async function settleTake(take: Take, outcome: TakeOutcome): Promise<'settled' | 'already'> {
  const current = await getTake(take.id)
  if (!current || FINISHED_STATUSES.has(current.status)) return 'already'
  const now = new Date()
  if (!outcome.ok) {
    const cancelled = outcome.error.kind === 'request' && outcome.error.errorType === 'client_cancelled'
    const done = await finishTake(take.id, { status: cancelled ? 'CANCELLED' : 'FAILED', error: outcome.error, queuePosition: null, completedAt: now })
    return done ? 'settled' : 'already'
  }
  const endpoint = catalog.find(take.endpointId)
  const bill = endpoint ? billedTake(endpoint, outcome.output, take.input) : null
  const { videoKey, posterKey } = await keptCopy(take, outcome.output)
  const done = await finishTake(take.id, {
    status: 'COMPLETED',
    output: outcome.output,
    billedUsd: bill?.amount ?? null,
    ...(outcome.inferenceTime === undefined ? {} : { inferenceTime: outcome.inferenceTime }),
    queuePosition: null,
    completedAt: now,
    startedAt: current.startedAt ?? now,
    videoKey,
    posterKey,
  })
  return done ? 'settled' : 'already'
}

/** `settleTake` for a webhook, which knows only fal's request id. */
export async function settleTakeByRequestId(falRequestId: string, outcome: TakeOutcome): Promise<'settled' | 'already' | 'unknown'> {
  const take = await getTakeByRequestId(falRequestId)
  return take ? settleTake(take, outcome) : 'unknown'
}
