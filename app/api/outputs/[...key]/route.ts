import { outputStore } from '@/lib/storage'

export const dynamic = 'force-dynamic'

interface Context {
  params: Promise<{ key: string[] }>
}

/** A kept output (`/api/outputs/<takeId>/<name>`), with byte ranges for seeking. */
export async function GET(request: Request, { params }: Context): Promise<Response> {
  const { key } = await params
  return outputStore().serve(key.join('/'), request.headers.get('range'))
}

export async function HEAD(request: Request, context: Context): Promise<Response> {
  const response = await GET(request, context)
  await response.body?.cancel()
  return new Response(null, { status: response.status, headers: response.headers })
}
