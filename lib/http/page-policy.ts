import { NextResponse, type NextRequest } from 'next/server'
import { contentSecurityPolicy, newNonce } from './content-security-policy'

/** Responses that are not pages: the API (stored files set their own policy) and Next's own assets. */
const NOT_PAGES = /^\/(?:api|_next)\//

/**
 * Lets the request through; a page gets a Content-Security-Policy with a nonce of its own. Next reads
 * the nonce from the request's policy header and puts it on the scripts it renders, so those run and
 * no other inline script does.
 */
export function continueWithPagePolicy(request: NextRequest): NextResponse {
  if (NOT_PAGES.test(request.nextUrl.pathname)) return NextResponse.next()
  const policy = contentSecurityPolicy({ nonce: newNonce(), dev: process.env.NODE_ENV === 'development' })
  const headers = new Headers(request.headers)
  headers.set('content-security-policy', policy)
  const response = NextResponse.next({ request: { headers } })
  response.headers.set('content-security-policy', policy)
  return response
}
