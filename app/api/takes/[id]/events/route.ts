import { viewStreamResponse } from '@/lib/events/sse'
import { ApiError } from '@/lib/http/api-error'
import { route } from '@/lib/http/route'
import { takeWatch } from '@/lib/takes/take-watch'

export const dynamic = 'force-dynamic'

/**
 * GET /api/takes/<id>/events: server-sent events of the take's view (`view`), from its state now to
 * its end (`end`), or `gone` when it is deleted or its link revoked. Its owner, or anyone with the
 * take's share token (`?s=`), who sees the shared view.
 */
export const GET = route<{ id: string }>({ access: 'anyone' }, async (request, { params: { id }, isOwner }) => {
  const token = request.nextUrl.searchParams.get('s')
  const viewer = isOwner ? ({ owner: true } as const) : token ? { token } : null
  const watch = viewer && takeWatch(id, viewer)
  if (!watch || !(await watch.read())) throw new ApiError(404, 'No such take')
  return viewStreamResponse(request.signal, watch)
})
