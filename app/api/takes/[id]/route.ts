import { NextResponse } from 'next/server'
import { deleteTake, getTake } from '@/lib/db/queries'
import { ApiError } from '@/lib/http/api-error'
import { route } from '@/lib/http/route'
import { deleteTakeOutput } from '@/lib/storage/keep-output'
import { takeViewOf } from '@/lib/takes/take-view'
import { waitForFinishedTake } from '@/lib/takes/take-watch'

export const dynamic = 'force-dynamic'

const noSuchTake = () => new ApiError(404, 'No such take')
const NO_STORE = { 'cache-control': 'no-store' }

/**
 * A take as JSON. For its owner, `?wait=1` holds the answer (up to 20 s) until the take has
 * finished. Anyone else needs the take's current share token (`?s=<token>`), gets the shared view,
 * and never waits.
 */
export const GET = route<{ id: string }>({ access: 'anyone' }, async (request, { params: { id }, isOwner }) => {
  const search = request.nextUrl.searchParams
  if (isOwner) {
    const take = search.get('wait') === '1' ? await waitForFinishedTake(id, 20_000, request.signal) : await getTake(id)
    if (!take) throw noSuchTake()
    return NextResponse.json(takeViewOf(take), { headers: NO_STORE })
  }
  const token = search.get('s')
  const take = token ? await getTake(id) : null
  if (!take || !token || take.shareToken !== token) throw noSuchTake()
  return NextResponse.json(takeViewOf(take, { token }), { headers: NO_STORE })
})

/**
 * Deletes the take and the studio's copy of its output: 204, or 404 when there is no such take. The
 * take's row stays (hidden) so today's spend still counts it and a running take is still billed.
 */
export const DELETE = route<{ id: string }>({}, async (_request, { params: { id } }) => {
  // The row first: once it is hidden the take is gone from every page. A file left behind is logged,
  // not reported as a failed delete (the take is deleted; a retry would only find it missing).
  if (!(await deleteTake(id))) throw noSuchTake()
  await deleteTakeOutput(id).catch((error: unknown) => console.error(`Take ${id}: its output copy could not be deleted`, error))
  return new Response(null, { status: 204 })
})
