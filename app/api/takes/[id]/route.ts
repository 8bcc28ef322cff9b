import { NextResponse, type NextRequest } from 'next/server'
import { deleteTake, getTake } from '@/lib/db/queries'
import { isOwnerRequest } from '@/lib/auth/session'
import { deleteTakeOutput } from '@/lib/storage/keep-output'
import { takeViewOf } from '@/lib/takes/take-view'
import { waitForFinishedTake } from '@/lib/takes/wait-for-take'

export const dynamic = 'force-dynamic'

interface Context {
  params: Promise<{ id: string }>
}

const notFound = () => NextResponse.json({ detail: 'No such take' }, { status: 404 })

/**
 * A take as JSON. `?wait=1` holds the answer (up to 20 s) until the take has finished. Signed out
 * (when the studio has a password), only a shared take answers: its public page reads it.
 */
export async function GET(request: NextRequest, { params }: Context) {
  const { id } = await params
  const wait = request.nextUrl.searchParams.get('wait') === '1'
  const take = wait ? await waitForFinishedTake(id, 20_000, request.signal) : await getTake(id)
  if (!take || (!take.shareEnabled && !isOwnerRequest(request.headers))) return notFound()
  return NextResponse.json(takeViewOf(take), { headers: { 'cache-control': 'no-store' } })
}

/** Deletes the take and the studio's copy of its output: 204, or 404 when there is no such take. */
export async function DELETE(_request: NextRequest, { params }: Context) {
  const { id } = await params
  // The row first: once it is gone the take is gone from every page. A file left behind is logged,
  // not reported as a failed delete (the take is deleted; a retry would only find it missing).
  if (!(await deleteTake(id))) return notFound()
  await deleteTakeOutput(id).catch((error: unknown) => console.error(`Take ${id}: its output copy could not be deleted`, error))
  return new Response(null, { status: 204 })
}
