/**
 * The fal URLs the studio's browser client may reach through the proxy, parsed strictly.
 * Anything that is not one of these shapes is refused before any request leaves the server.
 */
export const QUEUE_HOST = 'queue.fal.run'
export const REST_HOST = 'rest.fal.ai'

export type QueueTarget =
  | { kind: 'submit'; endpointId: string }
  | { kind: 'status' | 'stream' | 'result' | 'cancel'; appId: string; requestId: string }

export type StorageTarget = { kind: 'upload-initiate' | 'upload-initiate-multipart' }

export type FalTarget = (QueueTarget | StorageTarget) & { host: string; path: string; search: string }

const REQUEST_ID = /^[A-Za-z0-9-]{8,64}$/
const SEGMENT = /^[A-Za-z0-9._-]+$/

/** Splits a path into clean segments, or undefined if it hides anything (dots, encodings, empty parts). */
function segmentsOf(path: string): string[] | undefined {
  if (!path.startsWith('/') || path.includes('%') || path.includes('\\')) return undefined
  const segments = path.slice(1).split('/')
  if (segments.some((segment) => !SEGMENT.test(segment) || segment === '.' || segment === '..')) return undefined
  return segments
}

/** Parses a queue path (`/fal-ai/ltx-2-19b/requests/<id>/status`, or `/<endpoint id>` for a submit). */
export function parseQueuePath(path: string): QueueTarget | undefined {
  const segments = segmentsOf(path)
  if (!segments || segments.length < 2) return undefined
  const at = segments.indexOf('requests')
  if (at === -1) return { kind: 'submit', endpointId: segments.join('/') }
  const appId = segments.slice(0, at).join('/')
  const [requestId, ...rest] = segments.slice(at + 1)
  if (at < 2 || !requestId || !REQUEST_ID.test(requestId)) return undefined
  const tail = rest.join('/')
  const kind = ({ '': 'result', status: 'status', 'status/stream': 'stream', cancel: 'cancel' } as const)[tail]
  return kind ? { kind, appId, requestId } : undefined
}

/** Parses the value of `x-fal-target-url`; undefined for anything that is not a plain fal URL. */
export function parseFalTarget(raw: string | null): FalTarget | undefined {
  if (!raw) return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return undefined
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port || url.hash) return undefined
  // The parsed URL must say exactly what was sent: no normalisation may have changed the path.
  if (!raw.startsWith(`https://${url.host}${url.pathname}`)) return undefined
  const base = { host: url.host, path: url.pathname, search: url.search }
  if (url.host === QUEUE_HOST) {
    const target = parseQueuePath(url.pathname)
    return target ? { ...target, ...base } : undefined
  }
  if (url.host === REST_HOST) {
    if (url.pathname === '/storage/upload/initiate') return { kind: 'upload-initiate', ...base }
    if (url.pathname === '/storage/upload/initiate-multipart') return { kind: 'upload-initiate-multipart', ...base }
  }
  return undefined
}

/** The app id of an endpoint id: owner/alias without the subpath (`fal-ai/ltx-2-19b`). */
export function appIdOf(endpointId: string): string {
  return endpointId.split('/').slice(0, 2).join('/')
}
