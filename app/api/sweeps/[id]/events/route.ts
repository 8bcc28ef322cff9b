import { viewStreamResponse } from '@/lib/events/sse'
import { ApiError } from '@/lib/http/api-error'
import { route } from '@/lib/http/route'
import { sweepWatch } from '@/lib/sweeps/sweep-watch'

export const dynamic = 'force-dynamic'

/** GET /api/sweeps/<id>/events: server-sent events of the sweep's view, every cell's take included, until nothing in it can change. */
export const GET = route<{ id: string }>({}, async (request, { params: { id } }) => {
  const watch = sweepWatch(id)
  if (!(await watch.read())) throw new ApiError(404, 'No such sweep')
  return viewStreamResponse(request.signal, watch)
})
