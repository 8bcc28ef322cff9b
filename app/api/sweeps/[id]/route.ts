import { NextResponse } from 'next/server'
import { loadSweepView } from '@/lib/sweeps/load-sweep'

export const dynamic = 'force-dynamic'

/** GET /api/sweeps/<id>: the sweep and every cell's take, as the grid shows them. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  const sweep = await loadSweepView(id)
  if (!sweep) return NextResponse.json({ detail: 'No such sweep' }, { status: 404 })
  return NextResponse.json(sweep, { headers: { 'cache-control': 'no-store' } })
}
