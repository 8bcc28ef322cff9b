import type { NextRequest } from 'next/server'
import { isCrossOrigin, isPublicPath } from '@/lib/auth/access'
import { isOwnerRequest } from '@/lib/auth/session'
import { unknownHostRefusal } from '@/lib/http/host-check'
import { continueWithPagePolicy } from '@/lib/http/page-policy'
import { redirectTo } from '@/lib/http/redirect'
import { crossSiteRefused, signInRequired } from '@/lib/http/api-error'
import { settingsOf } from '@/lib/settings'

/**
 * In front of every route: refuses requests for a host the studio does not answer to and state-changing
 * requests from other sites; gives each page a script nonce (lib/http/page-policy); and, when the studio
 * has a password (`TAKES_PASSWORD`), sends signed-out visitors to /login (pages) or answers 401
 * (API, the fal proxy) — except for the public paths (lib/auth/access).
 */
export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl
  const method = request.method.toUpperCase()
  const unknownHost = unknownHostRefusal(request.headers)
  if (unknownHost) return unknownHost
  if (isCrossOrigin(method, request.headers, settingsOf().publicUrl)) return crossSiteRefused().toResponse()
  if (isPublicPath(pathname, method) || (await isOwnerRequest(request.headers))) return continueWithPagePolicy(request)
  if (pathname.startsWith('/api/')) return signInRequired().toResponse()
  return redirectTo(request, `/login?${new URLSearchParams({ next: `${pathname}${request.nextUrl.search}` })}`, 307)
}

export const config = {
  // Not here: build assets; and the routes that take large bodies, which Next would buffer for this
  // function and cut at 10 MB — the fal proxy (guarded by lib/fal/proxy itself), the local backend
  // (uploads; the server itself calls it, and it spends nothing) and fal's signed webhook.
  matcher: ['/((?!_next/static|_next/image|api/fal/proxy|api/local-fal|api/fal/webhook).*)'],
}
