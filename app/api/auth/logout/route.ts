import type { NextRequest } from 'next/server'
import { redirectTo } from '@/lib/http/redirect'
import { setSessionCookie } from '@/lib/auth/session-cookie'

export const dynamic = 'force-dynamic'

/** POST /api/auth/logout: clears the session cookie and goes to the sign-in page. */
export async function POST(request: NextRequest) {
  const response = redirectTo(request, '/login')
  setSessionCookie(response, request, null)
  return response
}
