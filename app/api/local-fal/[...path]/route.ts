import { backendMode } from '@/lib/fal/backend'
import { localFalRefusal } from '@/lib/local-fal/access'
import { handleLocalFal } from '@/lib/local-fal/http'
import { localFal } from '@/lib/local-fal/instance'

export const dynamic = 'force-dynamic'

async function handle(request: Request): Promise<Response> {
  if (backendMode() !== 'local') return new Response('Not found', { status: 404 })
  return (await localFalRefusal(request)) ?? handleLocalFal(await localFal(), request)
}

export { handle as GET, handle as POST, handle as PUT, handle as HEAD }
