import { NextResponse } from 'next/server'
import { ApiError } from '@/lib/http/api-error'
import { route } from '@/lib/http/route'
import { loadSweepView } from '@/lib/sweeps/load-sweep'

export const dynamic = 'force-dynamic'

/** GET /api/sweeps/<id>: the sweep and every cell's take, as the grid shows them. */
export const GET = route<{ id: string }>({}, async (_request, { params: { id } }) => {
  const sweep = await loadSweepView(id)
  if (!sweep) throw new ApiError(404, 'No such sweep')
  return NextResponse.json(sweep, { headers: { 'cache-control': 'no-store' } })
})
