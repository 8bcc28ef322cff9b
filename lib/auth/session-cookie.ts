import type { NextRequest } from 'next/server'
import { SESSION_COOKIE, SESSION_DAYS } from './session'

/** Secure when the studio is reached over HTTPS (directly, or behind a proxy that says so). */
function isHttps(request: NextRequest): boolean {
  return request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https'
}

/** Sets (or, with null, clears) the session cookie: HttpOnly, SameSite=Lax, Secure behind HTTPS. */
export function setSessionCookie(response: Response, request: NextRequest, token: string | null) {
  const attributes = [`${SESSION_COOKIE}=${token ?? ''}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${token ? SESSION_DAYS * 86_400 : 0}`]
  if (isHttps(request)) attributes.push('Secure')
  response.headers.append('set-cookie', attributes.join('; '))
}
