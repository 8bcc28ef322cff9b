/**
 * Single HTTP byte ranges (RFC 9110 §14): enough for a video player to seek. A header this does not
 * understand (several ranges, another unit, garbage) is ignored and the whole body is served, as
 * the RFC allows; a well-formed range that misses the body is answered with 416.
 */

/** An inclusive byte range within a body of known size. */
export interface ByteRange {
  start: number
  end: number
}

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/

/**
 * Whether `header` is one valid byte range (whatever the body's size): `bytes=A-B` with A ≤ B,
 * `bytes=A-` or `bytes=-N`.
 */
export function isSingleByteRange(header: string | null | undefined): header is string {
  const match = header ? SINGLE_RANGE.exec(header.trim()) : null
  if (!match) return false
  const [, first = '', last = ''] = match
  if (first === '' || last === '') return first !== '' || last !== ''
  return Number(first) <= Number(last)
}

/**
 * The range `header` asks of a body of `size` bytes: `null` to serve the whole body (no header, or
 * one that is ignored), `'unsatisfiable'` for a 416.
 */
export function parseByteRange(header: string | null | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!isSingleByteRange(header)) return null
  const [, first = '', last = ''] = SINGLE_RANGE.exec(header.trim()) ?? []
  if (first === '') {
    // A suffix: the last N bytes.
    const length = Number(last)
    if (length === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - length), end: size - 1 }
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (start >= size) return 'unsatisfiable'
  return { start, end }
}

export interface ByteRangeResponseInit {
  /** The body's full size in bytes. */
  size: number
  rangeHeader: string | null | undefined
  /** Headers for every answer (content type, caching…); the range headers are added here. */
  headers?: HeadersInit
  /** Opens the body, or the inclusive part of it a range asks for. Not called for a 416. */
  open: (range: ByteRange | null) => ReadableStream<Uint8Array>
}

/** A 200, 206 or 416 answer for a body of known size, with Accept-Ranges and Content-Length. */
export function byteRangeResponse({ size, rangeHeader, headers: init, open }: ByteRangeResponseInit): Response {
  const headers = new Headers(init)
  headers.set('accept-ranges', 'bytes')
  const range = parseByteRange(rangeHeader, size)
  if (range === 'unsatisfiable') {
    headers.set('content-range', `bytes */${size}`)
    headers.delete('content-length')
    return new Response(null, { status: 416, headers })
  }
  if (range) {
    headers.set('content-range', `bytes ${range.start}-${range.end}/${size}`)
    headers.set('content-length', String(range.end - range.start + 1))
    return new Response(open(range), { status: 206, headers })
  }
  headers.set('content-length', String(size))
  return new Response(open(null), { status: 200, headers })
}
