import { NextResponse, type NextRequest } from 'next/server'
import { setSessionCookie } from '@/lib/auth/session-cookie'

export const dynamic = 'force-dynamic'

/** POST /api/auth/logout: clears the session cookie and goes to the sign-in page. */
export async function POST(request: NextRequest) {
  const response = NextResponse.redirect(new URL('/login', request.url), 303)
  setSessionCookie(response, request, null)
  return response
}
