import { NextResponse } from 'next/server'
import { route } from '@/lib/http/route'
import { startRequested } from '@/lib/sweeps/start-sweep'
import { checkSweepRequest, SWEEP_BODY_MAX_BYTES } from '@/lib/sweeps/sweep-request'

export const dynamic = 'force-dynamic'

/**
 * POST /api/sweeps `{ endpointId, input, axes, concurrency, varySeed, pinExpansionOff }`: checks every
 * cell's input, records the sweep (201), and leaves its takes to the server's sweep runner.
 */
export const POST = route({ body: { json: SWEEP_BODY_MAX_BYTES } }, async (_request, { body }) => {
  const created = await startRequested(checkSweepRequest(body))
  return NextResponse.json(created, { status: 201, headers: { location: created.url } })
})
