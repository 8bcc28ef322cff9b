import { getTake } from '@/lib/db/queries'
import { ApiError } from '@/lib/http/api-error'
import { route } from '@/lib/http/route'
import { outputStore } from '@/lib/storage'

export const dynamic = 'force-dynamic'

/**
 * Whether the caller may read a kept file (`<takeId>/<name>`): its owner, or anyone holding the
 * take's current share token (`?s=`). A revoked or deleted take's files are gone for everyone else.
 */
async function mayRead(request: Request, isOwner: boolean, takeId: string | undefined): Promise<boolean> {
  if (isOwner) return true
  const token = new URL(request.url).searchParams.get('s')
  if (!takeId || !token) return false
  return (await getTake(takeId))?.shareToken === token
}

/** A kept output (`/api/outputs/<takeId>/<name>`), with byte ranges for seeking. */
async function serveOutput(request: Request, key: string[], isOwner: boolean): Promise<Response> {
  if (!(await mayRead(request, isOwner, key[0]))) return new ApiError(404, 'Not found').toResponse()
  return outputStore().serve(key.join('/'), request.headers.get('range'))
}

export const GET = route<{ key: string[] }>({ access: 'anyone' }, (request, { params, isOwner }) => serveOutput(request, params.key, isOwner))

export const HEAD = route<{ key: string[] }>({ access: 'anyone' }, async (request, { params, isOwner }) => {
  const response = await serveOutput(request, params.key, isOwner)
  await response.body?.cancel()
  return new Response(null, { status: response.status, headers: response.headers })
})
