import { cancelTake } from '@/lib/takes/cancel-take'
import { serverFalClient } from '@/lib/fal/server-client'
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
export async function POST(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  try {
    const { answer, take } = await cancelTake(id, serverFalClient())
    return Response.json({ answer, detail: DETAIL[answer], take: take ? takeViewOf(take) : null }, { status: STATUS[answer] })
  } catch (error) {
    console.error(`[takes] could not cancel take ${id}:`, error instanceof Error ? error.message : error)
    return Response.json({ detail: 'fal could not be asked to cancel this take; try again.', error_type: 'cancel_failed' }, { status: 502 })
  }
}
