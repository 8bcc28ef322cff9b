import { NextResponse, type NextRequest } from 'next/server'
import { safeNextPath } from '@/lib/auth/access'
import { authConfig, createSessionToken, passwordMatches } from '@/lib/auth/session'
import { setSessionCookie } from '@/lib/auth/session-cookie'
import { rateLimited } from '@/lib/http/rate-limit'
import { clientAddress } from '@/lib/http/client-address'

export const dynamic = 'force-dynamic'

const MAX_FIELD = 4096

/** POST /api/auth/login (the sign-in form: `password`, `next`): sets the session cookie and returns to `next`. */
export async function POST(request: NextRequest) {
  const config = authConfig()
  if (!config) return NextResponse.redirect(new URL('/', request.url), 303)
  const limited = rateLimited('login', clientAddress(request.headers))
  if (limited) return limited
  const form = await request.formData().catch(() => null)
  const password = form?.get('password')
  const next = safeNextPath(String(form?.get('next') ?? '/').slice(0, MAX_FIELD))
  if (typeof password !== 'string' || password.length > MAX_FIELD || !passwordMatches(config, password)) {
    const back = new URL('/login', request.url)
    back.searchParams.set('error', '1')
    back.searchParams.set('next', next)
    return NextResponse.redirect(back, 303)
  }
  const response = NextResponse.redirect(new URL(next, request.url), 303)
  setSessionCookie(response, request, createSessionToken(config))
  return response
}
