import { NextResponse } from 'next/server'
import { serverFalClient } from '@/lib/fal/server-client'
import { ApiError } from '@/lib/http/api-error'
import { route } from '@/lib/http/route'
import { loadSweepView } from '@/lib/sweeps/load-sweep'
import { stopSweep } from '@/lib/sweeps/stop-sweep'

export const dynamic = 'force-dynamic'

/**
 * POST /api/sweeps/<id>/stop: submits no more of its takes and cancels those still queued (running
 * ones finish); answers what that saved, and the sweep after.
 */
export const POST = route<{ id: string }>({}, async (_request, { params: { id } }) => {
  const stopped = await stopSweep(id, serverFalClient())
  if (!stopped) throw new ApiError(404, 'No such sweep')
  return NextResponse.json({ ...stopped, sweep: await loadSweepView(id) }, { headers: { 'cache-control': 'no-store' } })
})
