import { getTake } from '@/lib/db/queries'
import { ApiError } from '@/lib/http/api-error'
import { route } from '@/lib/http/route'
import { outputStore } from '@/lib/storage'
import { downloadFileName } from '@/lib/takes/download-name'

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

/**
 * With `?download=1`, the answer names the file as a download (`<model>-<take id>.<ext>`); without
 * it, the file plays in the page.
 */
async function asDownload(response: Response, key: string[]): Promise<Response> {
  const [takeId, name] = key
  if (!response.ok || !takeId || !name) return response
  const take = await getTake(takeId)
  if (!take) return response
  const extension = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : 'bin'
  const headers = new Headers(response.headers)
  // Every character of the name is a letter, digit, '.', '-' or '_' (an id, a model, an extension): safe to quote.
  headers.set('content-disposition', `attachment; filename="${downloadFileName(take.endpointId, takeId, extension)}"`)
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
}

/** A kept output (`/api/outputs/<takeId>/<name>`), with byte ranges for seeking. */
async function serveOutput(request: Request, key: string[], isOwner: boolean): Promise<Response> {
  if (!(await mayRead(request, isOwner, key[0]))) return new ApiError(404, 'Not found').toResponse()
  const response = await outputStore().serve(key.join('/'), request.headers.get('range'))
  return new URL(request.url).searchParams.get('download') === '1' ? asDownload(response, key) : response
}

export const GET = route<{ key: string[] }>({ access: 'anyone' }, (request, { params, isOwner }) => serveOutput(request, params.key, isOwner))

export const HEAD = route<{ key: string[] }>({ access: 'anyone' }, async (request, { params, isOwner }) => {
  const response = await serveOutput(request, params.key, isOwner)
  await response.body?.cancel()
  return new Response(null, { status: response.status, headers: response.headers })
})
