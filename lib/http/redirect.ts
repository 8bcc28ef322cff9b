import { absoluteUrl, publicOriginOf } from './public-origin'

/**
 * A redirect to a path on this site, on the origin the request came in on (Next rewrites the
 * request URL's own host to localhost, which would move the browser to another origin and lose its cookie).
 */
export function redirectTo(request: Request, path: string, status: 303 | 307 = 303): Response {
  return new Response(null, { status, headers: { location: absoluteUrl(publicOriginOf(request.headers), path) } })
}
