import type { NextRequest } from 'next/server'
import { redirectTo } from '@/lib/http/redirect'
import { endSession, SESSION_COOKIE } from '@/lib/auth/session'
import { setSessionCookie } from '@/lib/auth/session-cookie'

export const dynamic = 'force-dynamic'

/** POST /api/auth/logout: ends the session on the server (its cookie is dead everywhere), clears the cookie and goes to the sign-in page. */
export async function POST(request: NextRequest) {
  await endSession(request.cookies.get(SESSION_COOKIE)?.value)
  const response = redirectTo(request, '/login')
  setSessionCookie(response, request, null)
  return response
}
