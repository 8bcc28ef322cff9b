import type { Hash } from 'node:crypto'
import { open, rm } from 'node:fs/promises'

import { SNIFF_BYTES } from './upload-sniff'

// The simulator may be created by another bundle of the server than the route that catches its errors
// (lib/local-fal/instance), so a refusal is recognised by a registered symbol, not by `instanceof`.
const REFUSAL = Symbol.for('takes.upload-refusal')

/** Why an upload was refused: the status to answer, fal's kind of error, and a plain sentence. */
export class UploadRefusal extends Error {
  readonly [REFUSAL] = true

  constructor(
    readonly status: 400 | 404 | 409 | 413 | 415,
    readonly errorType: string,
    message: string,
  ) {
    super(message)
    this.name = 'UploadRefusal'
  }
}

export function isUploadRefusal(error: unknown): error is UploadRefusal {
  return typeof error === 'object' && error !== null && REFUSAL in error
}

function megabytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`
}

export function tooLarge(limit: number): UploadRefusal {
  return new UploadRefusal(413, 'file_too_large', `The file is larger than the ${megabytes(limit)} upload limit, so it was not kept.`)
}

export function notMedia(): UploadRefusal {
  return new UploadRefusal(415, 'unsupported_file_type', 'Only video, audio and image files can be uploaded, and the bytes of this file are none of those.')
}

export interface StreamToFileOptions {
  /** The most bytes the body may hold; one more and the write stops. */
  limit: number
  /** What to throw past the limit (the limit the caller names may be larger than what was left of it). */
  overLimit: () => UploadRefusal
  /** Checks the first bytes (up to the sniffing sample) before any is written; throws to refuse. */
  checkHead?: (head: Uint8Array) => Promise<void>
  /** Fed every byte written, in order (a part's ETag is the MD5 of its bytes). */
  hash?: Hash
}

/**
 * Streams `body` into a new file at `target`, counting bytes as they arrive (a missing or false
 * Content-Length changes nothing). Past the limit, or when the head is refused, the read stops and
 * `target` is removed. Resolves to the number of bytes written.
 */
export async function streamToFile(body: ReadableStream<Uint8Array> | null, target: string, options: StreamToFileOptions): Promise<number> {
  const file = await open(target, 'wx')
  const reader = body?.getReader()
  let size = 0
  let head: Uint8Array[] | undefined = options.checkHead ? [] : undefined
  let headSize = 0
  const writeHead = async () => {
    if (!head) return
    const bytes = Buffer.concat(head)
    head = undefined
    await options.checkHead?.(bytes)
    options.hash?.update(bytes)
    await file.write(bytes)
  }
  try {
    for (;;) {
      const next = reader ? await reader.read() : undefined
      if (!next || next.done) break
      size += next.value.byteLength
      if (size > options.limit) throw options.overLimit()
      if (head) {
        head.push(next.value)
        headSize += next.value.byteLength
        if (headSize >= SNIFF_BYTES) await writeHead()
      } else {
        options.hash?.update(next.value)
        await file.write(next.value)
      }
    }
    await writeHead()
    await file.close()
    return size
  } catch (error) {
    await reader?.cancel().catch(() => {})
    await file.close().catch(() => {})
    await rm(target, { force: true })
    throw error
  }
}
