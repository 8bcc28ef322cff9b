import type { NextRequest, NextResponse } from 'next/server'
import { SESSION_COOKIE, SESSION_DAYS } from './session'

/** Secure when the studio is reached over HTTPS (directly, or behind a proxy that says so). */
function isHttps(request: NextRequest): boolean {
  return request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https'
}

/** Sets (or, with null, clears) the session cookie: HttpOnly, SameSite=Lax, Secure behind HTTPS. */
export function setSessionCookie(response: NextResponse, request: NextRequest, token: string | null) {
  response.cookies.set(SESSION_COOKIE, token ?? '', {
    httpOnly: true,
    sameSite: 'lax',
    secure: isHttps(request),
    path: '/',
    maxAge: token ? SESSION_DAYS * 86_400 : 0,
  })
}
