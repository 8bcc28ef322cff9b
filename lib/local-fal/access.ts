import 'server-only'
import { isCrossOrigin } from '@/lib/auth/access'
import { isOwnerRequest } from '@/lib/auth/session'
import { sameText } from '@/lib/auth/session-token'
import { jsonResponse } from '@/lib/fal/errors'
import { localSimulatorKey } from '@/lib/fal/local-simulator-key'
import { JWKS_PATH, LOCAL_FAL_ROUTE } from '@/lib/fal/local-simulator'
import { crossSiteRefused } from '@/lib/http/api-error'
import { settingsOf, type Env } from '@/lib/settings'

/** What a path of the simulator asks of its caller. */
type Access = 'public' | 'key' | 'key-or-owner'

function accessOf(path: string, env: Env): Access {
  // The webhook keys are public, as fal's are; the test control route exists only when enabled.
  if (path === JWKS_PATH || (path === '/_control' && settingsOf(env).localControl)) return 'public'
  // A browser reads its files (players) and sends its upload's bytes straight to the simulator, as it does to fal's CDN.
  if (path.startsWith('/files/')) return 'key-or-owner'
  // The queue and the upload handshake: only the studio's own calls (its proxy, follower, sweeps).
  return 'key'
}

async function hasKey(headers: Headers): Promise<boolean> {
  const given = headers.get('authorization')
  return given !== null && sameText(given, `Key ${await localSimulatorKey()}`)
}

/**
 * Guards the simulator as the rest of the studio is guarded: state-changing requests from another
 * site are refused (a text/plain form posted from elsewhere starts nothing), the queue and the upload
 * handshake need the simulator's key (which only the studio's own server holds), and files need the
 * key or a signed-in owner. Null when the request may go on.
 */
export async function localFalRefusal(request: Request, env: Env = process.env): Promise<Response | null> {
  const method = request.method.toUpperCase()
  if (isCrossOrigin(method, request.headers, settingsOf(env).publicUrl)) return crossSiteRefused().toResponse()
  const pathname = new URL(request.url).pathname
  const path = pathname.startsWith(LOCAL_FAL_ROUTE) ? pathname.slice(LOCAL_FAL_ROUTE.length) : pathname
  const access = accessOf(path, env)
  if (access === 'public' || (await hasKey(request.headers))) return null
  if (access === 'key-or-owner' && (await isOwnerRequest(request.headers, env))) return null
  return jsonResponse({ detail: 'The local simulator answers only the studio itself.', error_type: 'unauthorized' }, { status: 401 })
}
