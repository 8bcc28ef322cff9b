import { NextResponse, type NextRequest } from 'next/server'
import { redirectTo } from '@/lib/http/redirect'
import { safeNextPath } from '@/lib/auth/access'
import { authConfig, passwordMatches, startSession } from '@/lib/auth/session'
import { setSessionCookie } from '@/lib/auth/session-cookie'
import { rateLimited } from '@/lib/http/rate-limit'
import { clientAddress } from '@/lib/http/client-address'
import { readCappedBody } from '@/lib/http/read-body'

export const dynamic = 'force-dynamic'

const MAX_FIELD = 4096
const MAX_FORM_BYTES = 4 * MAX_FIELD

/** The sign-in form's fields (URL-encoded or multipart), read up to MAX_FORM_BYTES however it is sent; null when over. */
async function readForm(request: NextRequest): Promise<FormData | 'too-large' | null> {
  const bytes = await readCappedBody(request, MAX_FORM_BYTES)
  if (!bytes) return 'too-large'
  return new Response(bytes, { headers: { 'content-type': request.headers.get('content-type') ?? '' } }).formData().catch(() => null)
}

/** POST /api/auth/login (the sign-in form: `password`, `next`): starts a session, sets its cookie and returns to `next`. */
export async function POST(request: NextRequest) {
  const config = authConfig()
  if (!config) return redirectTo(request, '/')
  const limited = rateLimited('login', clientAddress(request.headers))
  if (limited) return limited
  const form = await readForm(request)
  if (form === 'too-large') return NextResponse.json({ detail: `The sign-in form is over the ${MAX_FORM_BYTES}-byte limit.`, error_type: 'body_too_large' }, { status: 413 })
  const password = form?.get('password')
  const next = safeNextPath(form?.get('next'))
  if (typeof password !== 'string' || password.length > MAX_FIELD || !passwordMatches(config, password)) {
    return redirectTo(request, `/login?${new URLSearchParams({ error: '1', next })}`)
  }
  const response = redirectTo(request, next)
  setSessionCookie(response, request, await startSession(config))
  return response
}
