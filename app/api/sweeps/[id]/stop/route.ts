import { NextResponse } from 'next/server'
import { endSweep, getSweep } from '@/lib/db/sweep-queries'
import { loadSweepView } from '@/lib/sweeps/load-sweep'

export const dynamic = 'force-dynamic'

/** POST /api/sweeps/<id>/stop: submits no more of its takes (those submitted still finish); the sweep after. */
export async function POST(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  if (!(await getSweep(id))) return NextResponse.json({ detail: 'No such sweep' }, { status: 404 })
  await endSweep(id, 'STOPPED')
  return NextResponse.json(await loadSweepView(id), { headers: { 'cache-control': 'no-store' } })
}
