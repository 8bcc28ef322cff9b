import { NextResponse } from 'next/server'
import { route } from '@/lib/http/route'
import { checkBatchRequest } from '@/lib/batches/batch-request'
import { startRequested } from '@/lib/sweeps/start-sweep'
import { SWEEP_BODY_MAX_BYTES } from '@/lib/sweeps/sweep-request'

export const dynamic = 'force-dynamic'

/**
 * POST /api/batches `{ endpointId, input, rows: [{ line, values }], concurrency, pinExpansionOff }`:
 * checks every row's take (a bad row refuses the whole batch, named by line and field), records the
 * batch (201) and leaves its takes to the server's sweep runner, as a sweep's.
 */
export const POST = route({ body: { json: SWEEP_BODY_MAX_BYTES } }, async (_request, { body }) => {
  const created = await startRequested(checkBatchRequest(body))
  return NextResponse.json(created, { status: 201, headers: { location: created.url } })
})
