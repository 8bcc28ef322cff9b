import type { NextRequest } from 'next/server'
import { isOwnerRequest } from '@/lib/auth/session'
import { viewStreamResponse } from '@/lib/events/sse'
import { takeWatch } from '@/lib/takes/take-watch'

export const dynamic = 'force-dynamic'

/**
 * GET /api/takes/<id>/events: server-sent events of the take's view (`view`), from its state now to
 * its end (`end`), or `gone` when it is deleted or its link revoked. Its owner, or anyone with the
 * take's share token (`?s=`), who sees the shared view.
 */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  const token = request.nextUrl.searchParams.get('s')
  const viewer = (await isOwnerRequest(request.headers)) ? ({ owner: true } as const) : token ? { token } : null
  const watch = viewer && takeWatch(id, viewer)
  if (!watch || !(await watch.read())) return Response.json({ detail: 'No such take' }, { status: 404 })
  return viewStreamResponse(request.signal, watch)
}
