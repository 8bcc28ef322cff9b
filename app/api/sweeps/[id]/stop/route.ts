import { NextResponse } from 'next/server'
import { serverFalClient } from '@/lib/fal/server-client'
import { loadSweepView } from '@/lib/sweeps/load-sweep'
import { stopSweep } from '@/lib/sweeps/stop-sweep'

export const dynamic = 'force-dynamic'

/**
 * POST /api/sweeps/<id>/stop: submits no more of its takes and cancels those still queued (running
 * ones finish); answers what that saved, and the sweep after.
 */
export async function POST(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  const stopped = await stopSweep(id, serverFalClient())
  if (!stopped) return NextResponse.json({ detail: 'No such sweep' }, { status: 404 })
  return NextResponse.json({ ...stopped, sweep: await loadSweepView(id) }, { headers: { 'cache-control': 'no-store' } })
}
