import { getSweep, listSweepTakes } from '@/lib/db/sweep-queries'
import { ApiError } from '@/lib/http/api-error'
import { route } from '@/lib/http/route'
import { outputStore } from '@/lib/storage'
import { streamOf, sweepZipChunks, type ZipCell } from '@/lib/batches/sweep-zip'

export const dynamic = 'force-dynamic'

/**
 * GET /api/sweeps/<id>/download: a zip of every completed take's kept video (named by row and take id)
 * and parameters.csv (row, take id, status, each field), for a batch or a sweep, streamed as it is made.
 */
export const GET = route<{ id: string }>({}, async (_request, { params: { id } }) => {
  const sweep = await getSweep(id)
  if (!sweep) throw new ApiError(404, 'No such sweep')
  const takes = new Map((await listSweepTakes(id)).map((take) => [take.sweepIndex, take]))
  const cells: ZipCell[] = Array.from({ length: sweep.cellCount }, (_, index) => {
    // A deleted take is gone from every page, the download included.
    const found = takes.get(index)
    const take = found?.deletedAt ? undefined : found
    return { row: index + 1, takeId: take?.id ?? null, status: take?.status ?? (index < sweep.nextIndex ? 'GONE' : 'NOT_RUN'), input: take?.input ?? null, videoKey: take?.videoKey ?? null }
  })
  const store = outputStore()
  const openVideo = async (key: string) => {
    const response = await store.serve(key, null)
    const size = Number(response.headers.get('content-length'))
    return response.ok && response.body && Number.isFinite(size) ? { stream: response.body, size } : null
  }
  return new Response(streamOf(sweepZipChunks(cells, openVideo)), {
    headers: {
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename="takes-${sweep.kind}-${sweep.id}.zip"`,
      'cache-control': 'no-store',
    },
  })
})
