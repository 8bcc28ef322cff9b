import type { MediaKind } from '@/lib/schema/fields'
import type { MediaCheck } from './media-checks'
import { notMediaReason, SNIFF_BYTES, sniffMediaBytes } from './media-bytes'

type CheckableKind = Exclude<MediaKind, 'file'>

// Loaded when the first URL is checked (with file-type): the playground's first load stays small.

export function headline(kind: CheckableKind): string {
  return `The browser could not load this ${kind === 'audio' ? 'audio file' : kind}`
}

async function readHead(response: Response, limit: number): Promise<Uint8Array> {
  const reader = response.body?.getReader()
  if (!reader) return new Uint8Array(await response.arrayBuffer()).subarray(0, limit)
  const chunks: Uint8Array[] = []
  let size = 0
  while (size < limit) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    size += value.length
  }
  void reader.cancel().catch(() => undefined)
  const head = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    head.set(chunk, offset)
    offset += chunk.length
  }
  return head.subarray(0, limit)
}

function dataUriHead(url: string, limit: number): { head: Uint8Array; contentType: string } {
  const comma = url.indexOf(',')
  const contentType = url.slice(5, comma).split(';', 1)[0] ?? ''
  const base64 = url.slice(comma + 1, comma + 1 + Math.ceil(limit / 3) * 4 + 64).replace(/\s/g, '')
  const usable = base64.slice(0, base64.length - (base64.length % 4))
  const binary = atob(usable)
  const head = new Uint8Array(binary.length)
  for (let index = 0; index < binary.length; index += 1) head[index] = binary.charCodeAt(index)
  return { head: head.subarray(0, limit), contentType }
}

/** How long a failed fetch waits for the page's policy-violation event, which may arrive after it. */
const VIOLATION_GRACE_MS = 250

/** Fetches the first bytes of `url`; on failure says whether the page's Content-Security-Policy refused it. */
async function fetchHead(url: string, limit: number): Promise<{ response: Response; head: Uint8Array } | { blockedByPolicy: boolean }> {
  const target = new URL(url, window.location.href)
  let blockedByPolicy = false
  let violationSeen = () => {}
  const violation = new Promise<void>((resolve) => (violationSeen = resolve))
  const onViolation = (event: SecurityPolicyViolationEvent) => {
    if (!event.blockedURI.startsWith(target.origin)) return
    blockedByPolicy = true
    violationSeen()
  }
  document.addEventListener('securitypolicyviolation', onViolation)
  try {
    // A safelisted Range: no preflight, and a large file is not downloaded to read its start.
    const response = await fetch(target.href, { headers: { Range: `bytes=0-${limit - 1}` }, signal: AbortSignal.timeout(15_000) })
    const head = response.ok ? await readHead(response, limit) : new Uint8Array()
    return { response, head }
  } catch {
    await Promise.race([violation, new Promise((resolve) => setTimeout(resolve, VIOLATION_GRACE_MS))])
    return { blockedByPolicy }
  } finally {
    document.removeEventListener('securitypolicyviolation', onViolation)
  }
}

/** Reads a media URL's first bytes in the browser and says whether they are `kind`'s media. */
export async function checkMediaUrl(kind: CheckableKind, url: string): Promise<MediaCheck> {
  const lead = headline(kind)
  let head: Uint8Array
  let contentType: string | undefined
  if (url.toLowerCase().startsWith('data:')) {
    try {
      ;({ head, contentType } = dataUriHead(url, SNIFF_BYTES))
    } catch {
      return { state: 'error', message: `${lead}: its base64 data is not valid` }
    }
  } else {
    const fetched = await fetchHead(url, SNIFF_BYTES)
    if (!('response' in fetched)) {
      const host = new URL(url).host
      const why = fetched.blockedByPolicy
        ? `this studio's pages may not load media from ${host}`
        : `${host} did not answer the page (it may be offline, or not allow reading from other sites)`
      return { state: 'warning', message: `${lead}: ${why}. fal fetches inputs itself, so Run still sends it.` }
    }
    const { response } = fetched
    if (!response.ok) {
      return { state: 'error', message: `${lead}: the server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}` }
    }
    head = fetched.head
    contentType = response.headers.get('content-type') ?? undefined
  }
  const sniffed = await sniffMediaBytes(kind, head, contentType)
  if (sniffed.ok) return { state: 'ok' }
  const message = `${lead}: ${notMediaReason(kind, sniffed)}`
  return sniffed.certain ? { state: 'error', message } : { state: 'warning', message: `${message}. Run still sends it.` }
}
