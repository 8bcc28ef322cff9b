import { parseExactJson } from '@/lib/json/exact-json'

/** The body's bytes, read up to `limit` (a declared or streamed size over it stops the read), or null when over. */
export async function readCappedBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const declared = Number(request.headers.get('content-length') ?? NaN)
  if (declared > limit) return null
  if (!request.body) return new Uint8Array()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      // Stop reading, without cancelling: cancelling destroys the connection, and the caller would see
      // a reset instead of the 413 about to be sent. Unread, the rest only stalls its own sender.
      reader.releaseLock()
      return null
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 413; detail: string }

/** The request's JSON body, read up to `limit` bytes. */
export async function readJsonBody(request: Request, limit: number): Promise<JsonBody> {
  const bytes = await readCappedBody(request, limit)
  if (!bytes) return { ok: false, status: 413, detail: `The body is over the ${limit}-byte limit` }
  if (bytes.byteLength === 0) return { ok: false, status: 400, detail: 'The body must be a JSON object' }
  try {
    // Exact: an integer past 2^53 (a 64-bit seed) keeps its digits (lib/json/exact-integer.ts).
    return { ok: true, value: parseExactJson(Buffer.from(bytes).toString('utf8')) }
  } catch {
    return { ok: false, status: 400, detail: 'The body is not valid JSON' }
  }
}
