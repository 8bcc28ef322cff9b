import { NextResponse } from 'next/server'
import { ApiError, refusalOf } from '@/lib/http/api-error'
import { route } from '@/lib/http/route'
import { startSweep } from '@/lib/sweeps/start-sweep'
import { checkSweepRequest, SWEEP_BODY_MAX_BYTES } from '@/lib/sweeps/sweep-request'
import { sweepPath, type CreatedSweep } from '@/lib/sweeps/sweep-view'

export const dynamic = 'force-dynamic'

/**
 * POST /api/sweeps `{ endpointId, input, axes, concurrency, varySeed }`: checks every cell's input,
 * records the sweep (201), and leaves its takes to the server's sweep runner.
 */
export const POST = route({ body: { json: SWEEP_BODY_MAX_BYTES } }, async (_request, { body }) => {
  const checked = checkSweepRequest(body)
  if (!checked.ok) throw refusalOf(checked)
  let started: Awaited<ReturnType<typeof startSweep>>
  try {
    started = await startSweep(checked.sweep)
  } catch (error) {
    console.error('[takes] could not record a sweep:', error instanceof Error ? error.message : error)
    throw new ApiError(503, 'The studio could not record this sweep, so nothing was submitted. Try again in a moment.')
  }
  if (!started.ok) throw new ApiError(402, started.refusal.detail)
  const { sweep } = started
  const created: CreatedSweep = { id: sweep.id, url: sweepPath(sweep.id), count: sweep.cellCount, estimateUsd: sweep.estimateUsd }
  return NextResponse.json(created, { status: 201, headers: { location: created.url } })
})
