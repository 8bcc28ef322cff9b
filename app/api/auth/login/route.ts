import { redirectTo } from '@/lib/http/redirect'
import { safeNextPath } from '@/lib/auth/access'
import { authConfig, passwordMatches, startSession } from '@/lib/auth/session'
import { setSessionCookie } from '@/lib/auth/session-cookie'
import { route } from '@/lib/http/route'

export const dynamic = 'force-dynamic'

const MAX_FIELD = 4096

/** POST /api/auth/login (the sign-in form: `password`, `next`): starts a session, sets its cookie and returns to `next`. */
export const POST = route({ access: 'anyone', rateLimit: 'login', body: { form: 4 * MAX_FIELD } }, async (request, { body: form }) => {
  const config = authConfig()
  if (!config) return redirectTo(request, '/')
  const password = form?.get('password')
  const next = safeNextPath(form?.get('next'))
  if (typeof password !== 'string' || password.length > MAX_FIELD || !passwordMatches(config, password)) {
    return redirectTo(request, `/login?${new URLSearchParams({ error: '1', next })}`)
  }
  const response = redirectTo(request, next)
  setSessionCookie(response, request, await startSession(config))
  return response
})
