import { NextResponse, type NextRequest } from 'next/server'
import { deleteTake, getTake } from '@/lib/db/queries'
import { isOwnerRequest } from '@/lib/auth/session'
import { deleteTakeOutput } from '@/lib/storage/keep-output'
import { takeViewOf } from '@/lib/takes/take-view'
import { waitForFinishedTake } from '@/lib/takes/take-watch'

export const dynamic = 'force-dynamic'

interface Context {
  params: Promise<{ id: string }>
}

const notFound = () => NextResponse.json({ detail: 'No such take' }, { status: 404 })
const NO_STORE = { 'cache-control': 'no-store' }

/**
 * A take as JSON. For its owner, `?wait=1` holds the answer (up to 20 s) until the take has
 * finished. Anyone else needs the take's current share token (`?s=<token>`), gets the shared view,
 * and never waits.
 */
export async function GET(request: NextRequest, { params }: Context) {
  const { id } = await params
  const search = request.nextUrl.searchParams
  if (await isOwnerRequest(request.headers)) {
    const take = search.get('wait') === '1' ? await waitForFinishedTake(id, 20_000, request.signal) : await getTake(id)
    return take ? NextResponse.json(takeViewOf(take), { headers: NO_STORE }) : notFound()
  }
  const token = search.get('s')
  const take = token ? await getTake(id) : null
  if (!take || !token || take.shareToken !== token) return notFound()
  return NextResponse.json(takeViewOf(take, { token }), { headers: NO_STORE })
}

/**
 * Deletes the take and the studio's copy of its output: 204, or 404 when there is no such take. The
 * take's row stays (hidden) so today's spend still counts it and a running take is still billed.
 */
export async function DELETE(_request: NextRequest, { params }: Context) {
  const { id } = await params
  // The row first: once it is hidden the take is gone from every page. A file left behind is logged,
  // not reported as a failed delete (the take is deleted; a retry would only find it missing).
  if (!(await deleteTake(id))) return notFound()
  await deleteTakeOutput(id).catch((error: unknown) => console.error(`Take ${id}: its output copy could not be deleted`, error))
  return new Response(null, { status: 204 })
}
