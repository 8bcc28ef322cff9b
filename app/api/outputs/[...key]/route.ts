import { isOwnerRequest } from '@/lib/auth/session'
import { getTake } from '@/lib/db/queries'
import { outputStore } from '@/lib/storage'

export const dynamic = 'force-dynamic'

interface Context {
  params: Promise<{ key: string[] }>
}

const notFound = () => Response.json({ detail: 'Not found' }, { status: 404 })

/**
 * Whether the caller may read a kept file (`<takeId>/<name>`): its owner, or anyone holding the
 * take's current share token (`?s=`). A revoked or deleted take's files are gone for everyone else.
 */
async function mayRead(request: Request, takeId: string | undefined): Promise<boolean> {
  if (await isOwnerRequest(request.headers)) return true
  const token = new URL(request.url).searchParams.get('s')
  if (!takeId || !token) return false
  return (await getTake(takeId))?.shareToken === token
}

/** A kept output (`/api/outputs/<takeId>/<name>`), with byte ranges for seeking. */
export async function GET(request: Request, { params }: Context): Promise<Response> {
  const { key } = await params
  if (!(await mayRead(request, key[0]))) return notFound()
  return outputStore().serve(key.join('/'), request.headers.get('range'))
}

export async function HEAD(request: Request, context: Context): Promise<Response> {
  const response = await GET(request, context)
  await response.body?.cancel()
  return new Response(null, { status: response.status, headers: response.headers })
}
