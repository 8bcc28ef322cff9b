import type { NextRequest } from 'next/server'
import { redirectTo } from '@/lib/http/redirect'
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
  if (!config) return redirectTo(request, '/')
  const limited = rateLimited('login', clientAddress(request.headers))
  if (limited) return limited
  if (Number(request.headers.get('content-length') ?? 0) > MAX_FIELD * 2) return new Response('The sign-in form is too large.', { status: 413 })
  const form = await request.formData().catch(() => null)
  const password = form?.get('password')
  const next = safeNextPath(String(form?.get('next') ?? '/').slice(0, MAX_FIELD))
  if (typeof password !== 'string' || password.length > MAX_FIELD || !passwordMatches(config, password)) {
    return redirectTo(request, `/login?${new URLSearchParams({ error: '1', next })}`)
  }
  const response = redirectTo(request, next)
  setSessionCookie(response, request, createSessionToken(config))
  return response
}
