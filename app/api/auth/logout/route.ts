import { redirectTo } from '@/lib/http/redirect'
import { endSession, SESSION_COOKIE } from '@/lib/auth/session'
import { setSessionCookie } from '@/lib/auth/session-cookie'
import { route } from '@/lib/http/route'

export const dynamic = 'force-dynamic'

/** POST /api/auth/logout: ends the session on the server (its cookie is dead everywhere), clears the cookie and goes to the sign-in page. */
export const POST = route({}, async (request) => {
  await endSession(request.cookies.get(SESSION_COOKIE)?.value)
  const response = redirectTo(request, '/login')
  setSessionCookie(response, request, null)
  return response
})
