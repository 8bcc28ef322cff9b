import { NextResponse, type NextRequest } from 'next/server'
import { setShare } from '@/lib/db/queries'
import { takeViewOf } from '@/lib/takes/take-view'

export const dynamic = 'force-dynamic'

interface Context {
  params: Promise<{ id: string }>
}

async function share(id: string, enabled: boolean) {
  const take = await setShare(id, enabled)
  if (!take) return NextResponse.json({ detail: 'No such take' }, { status: 404 })
  return NextResponse.json(takeViewOf(take), { headers: { 'cache-control': 'no-store' } })
}

/** Enables the take's share link (/t/<id>); answers the take. */
export async function PUT(_request: NextRequest, { params }: Context) {
  return share((await params).id, true)
}

/** Revokes the take's share link: /t/<id> answers 404 from now on; answers the take. */
export async function DELETE(_request: NextRequest, { params }: Context) {
  return share((await params).id, false)
}
