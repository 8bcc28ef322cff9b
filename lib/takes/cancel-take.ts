import 'server-only'
import { ApiError, type FalClient } from '@fal-ai/client'
import { advanceTake, getTake, type Take } from '@/lib/db/queries'
import { FINISHED_STATUSES } from './take-status'

/**
 * What came of asking to cancel: fal took the request (`cancelling`: the take ends as cancelled,
 * or completed if it finished first), it had already `finished`, it was `not-submitted` yet (no
 * request id to cancel), or there is no such take.
 */
export type CancelAnswer = 'cancelling' | 'finished' | 'not-submitted' | 'no-such-take'

/**
 * Asks fal to cancel a take, queued or running. The take reads "cancelling" until the follower
 * sees how fal ended it; a cancel fal refuses (already completed) clears that again.
 */
export async function cancelTake(id: string, client: FalClient): Promise<{ answer: CancelAnswer; take: Take | null }> {
  const take = await getTake(id)
  if (!take) return { answer: 'no-such-take', take: null }
  if (FINISHED_STATUSES.has(take.status)) return { answer: 'finished', take }
  if (!take.falRequestId) return { answer: 'not-submitted', take }
  const asked = (await advanceTake(id, { cancelRequestedAt: new Date() }, [])) ?? take
  try {
    await client.queue.cancel(take.endpointId, { requestId: take.falRequestId })
    return { answer: 'cancelling', take: asked }
  } catch (error) {
    const cleared = await advanceTake(id, { cancelRequestedAt: null }, [])
    // 400 ALREADY_COMPLETED (it ran to its end first), 404 NOT_FOUND: either way it cannot be cancelled now.
    if (error instanceof ApiError && (error.status === 400 || error.status === 404)) return { answer: 'finished', take: cleared ?? (await getTake(id)) }
    throw error
  }
}
