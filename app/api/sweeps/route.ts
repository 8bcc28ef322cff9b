import { NextResponse, type NextRequest } from 'next/server'
import { readJsonBody } from '@/lib/http/read-body'
import { startSweep } from '@/lib/sweeps/start-sweep'
import { checkSweepRequest, SWEEP_BODY_MAX_BYTES } from '@/lib/sweeps/sweep-request'
import { sweepPath, type CreatedSweep, type SweepProblem } from '@/lib/sweeps/sweep-view'

export const dynamic = 'force-dynamic'

const problem = (status: number, body: SweepProblem) => NextResponse.json(body, { status })

/**
 * POST /api/sweeps `{ endpointId, input, axes, concurrency, varySeed }`: checks every cell's input,
 * records the sweep (201), and leaves its takes to the server's sweep runner.
 */
export async function POST(request: NextRequest) {
  const body = await readJsonBody(request, SWEEP_BODY_MAX_BYTES)
  if (!body.ok) return problem(body.status, { detail: body.detail })
  const checked = checkSweepRequest(body.value)
  if (!checked.ok) return problem(checked.status, checked.problem)
  try {
    const started = await startSweep(checked.sweep)
    if (!started.ok) return problem(402, { detail: started.refusal.detail })
    const { sweep } = started
    const created: CreatedSweep = { id: sweep.id, url: sweepPath(sweep.id), count: sweep.cellCount, estimateUsd: sweep.estimateUsd }
    return NextResponse.json(created, { status: 201, headers: { location: created.url } })
  } catch (error) {
    console.error('[takes] could not record a sweep:', error instanceof Error ? error.message : error)
    return problem(503, { detail: 'The studio could not record this sweep, so nothing was submitted. Try again in a moment.' })
  }
}
