import { NextResponse, type NextRequest } from 'next/server'
import { isCrossOrigin, isPublicPath } from '@/lib/auth/access'
import { isOwnerRequest } from '@/lib/auth/session'
import { unknownHostRefusal } from '@/lib/http/host-check'
import { continueWithPagePolicy } from '@/lib/http/page-policy'
import { redirectTo } from '@/lib/http/redirect'

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
  if (isCrossOrigin(method, request.headers, process.env.TAKES_PUBLIC_URL)) {
    return NextResponse.json({ detail: 'Requests from another site are refused.' }, { status: 403 })
  }
  if (isPublicPath(pathname, method) || (await isOwnerRequest(request.headers))) return continueWithPagePolicy(request)
  if (pathname.startsWith('/api/')) return NextResponse.json({ detail: 'Sign in first.', error_type: 'sign_in_required' }, { status: 401 })
  return redirectTo(request, `/login?${new URLSearchParams({ next: `${pathname}${request.nextUrl.search}` })}`, 307)
}

export const config = {
  // Not here: build assets; and the routes that take large bodies, which Next would buffer for this
  // function and cut at 10 MB — the fal proxy (guarded by lib/fal/proxy itself), the local backend
  // (uploads; the server itself calls it, and it spends nothing) and fal's signed webhook.
  matcher: ['/((?!_next/static|_next/image|api/fal/proxy|api/local-fal|api/fal/webhook).*)'],
}
