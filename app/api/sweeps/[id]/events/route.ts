import type { NextRequest } from 'next/server'
import { viewStreamResponse } from '@/lib/events/sse'
import { sweepWatch } from '@/lib/sweeps/sweep-watch'

export const dynamic = 'force-dynamic'

/** GET /api/sweeps/<id>/events: server-sent events of the sweep's view, every cell's take included, until nothing in it can change. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  const watch = sweepWatch(id)
  if (!(await watch.read())) return Response.json({ detail: 'No such sweep' }, { status: 404 })
  return viewStreamResponse(request.signal, watch)
}
