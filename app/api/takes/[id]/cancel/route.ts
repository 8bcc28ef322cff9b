import { serverFalClient } from '@/lib/fal/server-client'
import { ApiError } from '@/lib/http/api-error'
import { route } from '@/lib/http/route'
import { cancelTake } from '@/lib/takes/cancel-take'
import { takeViewOf } from '@/lib/takes/take-view'

export const dynamic = 'force-dynamic'

const STATUS = { cancelling: 202, finished: 409, 'not-submitted': 409, 'no-such-take': 404 } as const

const DETAIL = {
  cancelling: 'fal was asked to cancel this take.',
  finished: 'The take has already finished, so it cannot be cancelled.',
  'not-submitted': 'The take is still being submitted; cancel it in a moment.',
  'no-such-take': 'No such take',
} as const

/** POST /api/takes/<id>/cancel: asks fal to cancel the take, queued or running; the take's events say how it ends. */
export const POST = route<{ id: string }>({}, async (_request, { params: { id } }) => {
  let result: Awaited<ReturnType<typeof cancelTake>>
  try {
    result = await cancelTake(id, serverFalClient())
  } catch (error) {
    console.error(`[takes] could not cancel take ${id}:`, error instanceof Error ? error.message : error)
    throw new ApiError(502, 'fal could not be asked to cancel this take; try again.', { errorType: 'cancel_failed' })
  }
  const { answer, take } = result
  return Response.json({ answer, detail: DETAIL[answer], take: take ? takeViewOf(take) : null }, { status: STATUS[answer] })
})
