// fal's hosts as Takes reaches them, and where the fal double (a studio on the local backend acting
// as fal, reached at DOUBLE_URL) serves each one's paths. Used by the test harness only.

/** The hosts the fal-mode studio and the browser reach; the TLS front holds a certificate for each. */
export const FAL_HOSTS = ['queue.fal.run', 'rest.fal.ai', 'api.fal.ai', 'fal.media', 'v3.fal.media', 'v3b.fal.media', 'storage.googleapis.com']

/** Whether a host is one of fal's (so the harness sends it to the front). */
export const isFalHost = (host) => FAL_HOSTS.includes(String(host).toLowerCase().replace(/\.$/, ''))

/** The double's path for a request to fal's `host` at `path` (path and query), or null when fal serves nothing there. */
export function doublePathOf(host, path) {
  const name = String(host).toLowerCase().split(':')[0]
  if (name === 'queue.fal.run') return `/api/local-fal/queue${path}`
  if (name === 'rest.fal.ai') return path.startsWith('/.well-known/') ? `/api/local-fal${path}` : `/api/local-fal/rest${path}`
  if (name === 'api.fal.ai') return `/api/local-fal/platform${path}`
  // The double's files: their URLs carry the CDN's host and the double's own paths.
  if (name.endsWith('fal.media') || name === 'storage.googleapis.com') return path.startsWith('/api/local-fal/files/') ? path : null
  return null
}

/** The origin the double writes into file and upload URLs it answers through the front. */
export const CDN_ORIGIN = 'https://v3.fal.media'
