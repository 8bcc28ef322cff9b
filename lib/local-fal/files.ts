import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'

import { byteRangeResponse } from '@/lib/http/byte-range'
import { MAX_UPLOAD_BYTES } from '@/lib/fal/upload-limits'

/** Where the local backend keeps uploaded inputs and rendered outputs. */
export const FILES_ROUTE = '/api/local-fal/files'

interface FileMeta {
  contentType: string
  fileName: string
  size?: number
}

const FILE_ID = /^[a-f0-9-]{36}$/

function safeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '')
  return cleaned.slice(-120) || 'file'
}

export class FileStore {
  constructor(private readonly dir: string) {}

  private paths(id: string) {
    if (!FILE_ID.test(id)) throw new Error('Invalid file id')
    const base = path.join(this.dir, id)
    return { data: `${base}.bin`, meta: `${base}.json`, parts: `${base}.parts` }
  }

  async init() {
    await mkdir(this.dir, { recursive: true })
  }

  /** Reserves a file: the upload handshake's `initiate`. */
  async create(contentType: string, fileName: string): Promise<{ id: string; fileName: string }> {
    const id = randomUUID()
    const meta: FileMeta = { contentType: contentType || 'application/octet-stream', fileName: safeName(fileName) }
    await writeFile(this.paths(id).meta, JSON.stringify(meta))
    return { id, fileName: meta.fileName }
  }

  async meta(id: string): Promise<FileMeta | undefined> {
    try {
      return JSON.parse(await readFile(this.paths(id).meta, 'utf8')) as FileMeta
    } catch {
      return undefined
    }
  }

  /** Stores the bytes of a reserved file; writes to a temporary name first so readers never see half a file. */
  async write(id: string, bytes: Uint8Array) {
    const meta = await this.meta(id)
    if (!meta) throw new Error('Unknown upload')
    if (bytes.byteLength > MAX_UPLOAD_BYTES) throw new Error('File too large')
    const { data, meta: metaPath } = this.paths(id)
    await writeFile(`${data}.part`, bytes)
    await rename(`${data}.part`, data)
    await writeFile(metaPath, JSON.stringify({ ...meta, size: bytes.byteLength }))
  }

  async writePart(id: string, partNumber: number, bytes: Uint8Array): Promise<{ partNumber: number; etag: string }> {
    if (!(await this.meta(id))) throw new Error('Unknown upload')
    const dir = this.paths(id).parts
    await mkdir(dir, { recursive: true })
    await writeFile(path.join(dir, String(partNumber).padStart(6, '0')), bytes)
    return { partNumber, etag: `${id}-${partNumber}` }
  }

  async completeParts(id: string) {
    const dir = this.paths(id).parts
    const names = (await readdir(dir)).sort()
    const chunks = await Promise.all(names.map((name) => readFile(path.join(dir, name))))
    await this.write(id, Buffer.concat(chunks))
    await rm(dir, { recursive: true, force: true })
  }

  /** Moves a file made elsewhere (a render) into the store. */
  async adopt(file: string, contentType: string, fileName: string): Promise<{ id: string; fileName: string; size: number }> {
    const created = await this.create(contentType, fileName)
    const { data, meta } = this.paths(created.id)
    await rename(file, data)
    const { size } = await stat(data)
    await writeFile(meta, JSON.stringify({ contentType, fileName: created.fileName, size }))
    return { ...created, size }
  }

  /** The path on disk of a stored file, if it exists and is complete. */
  async localPath(id: string): Promise<string | undefined> {
    try {
      const { data } = this.paths(id)
      await stat(data)
      return data
    } catch {
      return undefined
    }
  }

  /** Serves a stored file, honouring a single HTTP byte range so players can seek. */
  async serve(id: string, rangeHeader: string | null): Promise<Response> {
    const meta = FILE_ID.test(id) ? await this.meta(id) : undefined
    const data = meta && (await this.localPath(id))
    if (!meta || !data) return new Response('Not found', { status: 404 })
    const { size } = await stat(data)
    return byteRangeResponse({
      size,
      rangeHeader,
      headers: {
        'content-type': meta.contentType,
        'cache-control': 'public, max-age=31536000, immutable',
        'content-disposition': `inline; filename="${meta.fileName}"`,
      },
      open: (range) => Readable.toWeb(createReadStream(data, range ?? {})) as ReadableStream<Uint8Array>,
    })
  }
}

/** The public URL of a stored file. */
export function fileUrl(origin: string, id: string, fileName: string): string {
  return `${origin}${FILES_ROUTE}/${id}/${encodeURIComponent(fileName)}`
}

/** The id of a stored file, if `url` points at this backend's file route (on any host). */
export function fileIdOf(url: string): string | undefined {
  try {
    const match = new RegExp(`^${FILES_ROUTE}/([a-f0-9-]{36})(/|$)`).exec(new URL(url).pathname)
    return match?.[1]
  } catch {
    return undefined
  }
}
