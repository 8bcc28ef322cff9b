import { NextResponse, type NextRequest } from 'next/server'
import { isCrossOrigin, isPublicPath } from '@/lib/auth/access'
import { authConfig, isValidSession, SESSION_COOKIE } from '@/lib/auth/session'

/**
 * In front of every route: refuses state-changing requests from other sites, and, when the studio
 * has a password (`TAKES_PASSWORD`), sends signed-out visitors to /login (pages) or answers 401
 * (API, the fal proxy) — except for the public paths (lib/auth/access).
 */
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl
  const method = request.method.toUpperCase()
  if (pathname !== '/api/fal/webhook' && isCrossOrigin(method, request.headers, process.env.TAKES_PUBLIC_URL)) {
    return NextResponse.json({ detail: 'Requests from another site are refused.' }, { status: 403 })
  }
  const config = authConfig()
  if (!config || isPublicPath(pathname, method)) return NextResponse.next()
  if (isValidSession(config, request.cookies.get(SESSION_COOKIE)?.value)) return NextResponse.next()
  if (pathname.startsWith('/api/')) return NextResponse.json({ detail: 'Sign in first.', error_type: 'sign_in_required' }, { status: 401 })
  const login = new URL('/login', request.url)
  login.searchParams.set('next', `${pathname}${request.nextUrl.search}`)
  return NextResponse.redirect(login)
}

export const config = {
  matcher: ['/((?!_next/static|_next/image).*)'],
}
