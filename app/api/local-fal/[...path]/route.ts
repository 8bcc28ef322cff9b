import { localFalRefusal } from '@/lib/local-fal/access'
import { handleLocalFal } from '@/lib/local-fal/http'
import { runsLocalSimulator } from '@/lib/fal/backend'
import { localFal } from '@/lib/local-fal/instance'

export const dynamic = 'force-dynamic'

async function handle(request: Request): Promise<Response> {
  // A studio using another's simulator (TAKES_LOCAL_FAL_URL) serves none itself.
  if (!runsLocalSimulator()) return new Response('Not found', { status: 404 })
  return (await localFalRefusal(request)) ?? handleLocalFal(await localFal(), request)
}

export { handle as GET, handle as POST, handle as PUT, handle as HEAD }
