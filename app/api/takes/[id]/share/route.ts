import { NextResponse } from 'next/server'
import { setShare } from '@/lib/db/queries'
import { ApiError } from '@/lib/http/api-error'
import { route } from '@/lib/http/route'
import { takeViewOf } from '@/lib/takes/take-view'

export const dynamic = 'force-dynamic'

async function share(id: string, enabled: boolean) {
  const take = await setShare(id, enabled)
  if (!take) throw new ApiError(404, 'No such take')
  return NextResponse.json(takeViewOf(take), { headers: { 'cache-control': 'no-store' } })
}

/** Mints the take's share link (/s/<token>); answers the take. */
export const PUT = route<{ id: string }>({}, (_request, { params: { id } }) => share(id, true))

/** Revokes the take's share link: it answers 404 from now on; answers the take. */
export const DELETE = route<{ id: string }>({}, (_request, { params: { id } }) => share(id, false))
