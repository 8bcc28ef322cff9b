import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

import { byteRangeResponse } from '@/lib/http/byte-range'
import { fileResponseHeaders } from '@/lib/http/file-headers'
import { OUTPUT_CACHE_CONTROL } from '@/lib/storage/store'
import { MAX_UPLOAD_BYTES, MAX_UPLOAD_PARTS } from '@/lib/fal/upload-limits'
import { FILES_ROUTE, storedFilePath } from '@/lib/fal/local-simulator'
import { EXAMPLE_MEDIA, EXAMPLE_MEDIA_DIR } from '@/lib/endpoints/example-media'
import { UploadRefusal, isUploadRefusal, notMedia, streamToFile, tooLarge } from './upload-stream'
import { SNIFF_BYTES, sniffMedia, type SniffedMedia } from './upload-sniff'

export { UploadRefusal, isUploadRefusal } from './upload-stream'

interface FileMeta {
  /** Known once the bytes are in: sniffed from an upload's bytes, or given by the render that made it. */
  contentType?: string
  fileName: string
  size?: number
}

/** An upload's body: its bytes as they stream in, and the length it declared (if any). */
export interface UploadBody {
  body: ReadableStream<Uint8Array> | null
  declaredLength?: number
}

/** A part as the `complete` call lists it: its number and the ETag its upload answered. */
export interface PartEtag {
  partNumber: number
  etag: string
}

const FILE_ID = /^[a-f0-9-]{36}$/
/** A stored part: `<number, 6 digits>.<MD5 of its bytes>`, so a part and its ETag are renamed into place at once. */
const PART_NAME = /^(\d{6})\.([a-f0-9]{32})$/

/** The media type `head` starts as; refuses anything but video, audio and images. */
async function requireMedia(head: Uint8Array): Promise<SniffedMedia> {
  const sniffed = await sniffMedia(head)
  if (!sniffed) throw notMedia()
  return sniffed
}

function safeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '')
  return cleaned.slice(-120) || 'file'
}

/** `name` with the extension of the type its bytes turned out to be (a `.html` that is a PNG becomes `.png`). */
function withExtension(name: string, ext: string): string {
  const base = name.replace(/\.[A-Za-z0-9]{1,8}$/, '')
  return `${base.slice(0, 110) || 'file'}.${ext}`
}

/** The first bytes of `file`, up to the sniffing sample. */
async function readHead(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES)
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/**
 * The simulator's files: uploads (through fal's storage handshake: one PUT, or numbered parts and a
 * `complete`) and renders. An upload is kept only if its bytes are video, audio or an image and it
 * stays within the upload limit — checked while it streams to disk, parts summed — and, once kept,
 * is never rewritten.
 */
export class FileStore {
  /** Work on one file at a time per id, so parts uploaded at once are summed against one budget. */
  private readonly locks = new Map<string, Promise<void>>()

  constructor(
    private readonly dir: string,
    private readonly maxUploadBytes: number = MAX_UPLOAD_BYTES,
    /** Where the studio's example media are (public/examples), kept in the store by `init`. */
    private readonly exampleMediaDir: string = path.join(process.cwd(), 'public', EXAMPLE_MEDIA_DIR),
  ) {}

  private paths(id: string) {
    if (!FILE_ID.test(id)) throw new UploadRefusal(404, 'upload_not_found', 'There is no such upload.')
    const base = path.join(this.dir, id)
    return { data: storedFilePath(this.dir, id), meta: `${base}.json`, parts: `${base}.parts` }
  }

  async init() {
    await mkdir(this.dir, { recursive: true })
    await this.keepExampleMedia()
  }

  /**
   * Keeps the studio's example media in the store under their fixed ids (lib/endpoints/example-media),
   * so a local example input names files that the studio and the simulator read from disk, as they
   * read uploads. Copied again when the shipped file changed; skipped where it is missing.
   */
  private async keepExampleMedia() {
    await Promise.all(
      Object.values(EXAMPLE_MEDIA).map(async ({ fileId, fileName, contentType }) => {
        const shipped = await readFile(path.join(this.exampleMediaDir, fileName)).catch(() => undefined)
        if (!shipped) return
        const { data, meta } = this.paths(fileId)
        const kept = await readFile(data).catch(() => undefined)
        if (kept?.equals(shipped) && (await this.meta(fileId))?.contentType === contentType) return
        const temp = `${data}.${randomUUID()}.tmp`
        await writeFile(temp, shipped)
        await writeFile(meta, JSON.stringify({ contentType, fileName, size: shipped.length } satisfies FileMeta))
        await rename(temp, data)
      }),
    )
  }

  private async exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(id) ?? Promise.resolve()
    const run = previous.then(work)
    const tail = run.then(
      () => {},
      () => {},
    )
    this.locks.set(id, tail)
    try {
      return await run
    } finally {
      if (this.locks.get(id) === tail) this.locks.delete(id)
    }
  }

  /** Reserves a file for an upload: the handshake's `initiate`. Its type comes later, from its bytes. */
  async reserve(fileName: string): Promise<{ id: string; fileName: string }> {
    const id = randomUUID()
    const meta: FileMeta = { fileName: safeName(fileName) }
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

  /** The reservation of an upload still waiting for its bytes; refuses an unknown or finished one. */
  private async pending(id: string): Promise<FileMeta> {
    const meta = await this.meta(id)
    if (!meta) throw new UploadRefusal(404, 'upload_not_found', 'There is no such upload.')
    if (await this.localPath(id)) throw new UploadRefusal(409, 'upload_complete', 'This upload is complete; a file is never rewritten.')
    return meta
  }

  /** Everything of an upload, gone: a refused upload keeps nothing. */
  private async discard(id: string) {
    const { data, meta, parts } = this.paths(id)
    await Promise.all([rm(parts, { recursive: true, force: true }), rm(data, { force: true }), rm(meta, { force: true })])
  }

  /** Ends an upload for good (nothing of it stays) when `work` finds it too large or not media. */
  private async orDiscard<T>(id: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if (isUploadRefusal(error) && (error.status === 413 || error.status === 415)) await this.discard(id)
      throw error
    }
  }

  /** Makes a complete upload the file (meta first: a reader that finds the bytes finds their type). */
  private async keep(id: string, meta: FileMeta, temp: string, sniffed: SniffedMedia) {
    const { data, meta: metaPath, parts } = this.paths(id)
    const { size } = await stat(temp)
    await writeFile(metaPath, JSON.stringify({ contentType: sniffed.mime, fileName: withExtension(meta.fileName, sniffed.ext), size } satisfies FileMeta))
    await rename(temp, data)
    await rm(parts, { recursive: true, force: true })
  }

  /** Stores an upload sent in one PUT, streamed to disk (never held whole), sniffed from its first bytes. */
  async write(id: string, upload: UploadBody): Promise<void> {
    return this.exclusive(id, () =>
      this.orDiscard(id, async () => {
        const meta = await this.pending(id)
        if ((upload.declaredLength ?? 0) > this.maxUploadBytes) throw tooLarge(this.maxUploadBytes)
        let sniffed: SniffedMedia | undefined
        const temp = `${this.paths(id).data}.${randomUUID()}.tmp`
        await streamToFile(upload.body, temp, {
          limit: this.maxUploadBytes,
          overLimit: () => tooLarge(this.maxUploadBytes),
          checkHead: async (head) => {
            sniffed = await requireMedia(head)
          },
        })
        try {
          await this.keep(id, meta, temp, sniffed!)
        } finally {
          await rm(temp, { force: true })
        }
      }),
    )
  }

  /** The parts of an upload on disk, in order, with their ETags and sizes. */
  private async storedParts(id: string): Promise<{ number: number; etag: string; file: string; size: number }[]> {
    const dir = this.paths(id).parts
    let names: string[]
    try {
      names = (await readdir(dir)).filter((name) => PART_NAME.test(name)).sort()
    } catch {
      return []
    }
    return Promise.all(
      names.map(async (name) => {
        const [, number = '', etag = ''] = PART_NAME.exec(name) ?? []
        const file = path.join(dir, name)
        return { number: Number(number), etag, file, size: (await stat(file)).size }
      }),
    )
  }

  /**
   * Stores part `partNumber` of a multipart upload; answers its ETag (the MD5 of its bytes, as object
   * stores answer). Parts count against the one file's limit: a part may use only what the other
   * parts left (a part sent again replaces its earlier bytes, and is counted at its new size). Part 1
   * is sniffed as it streams, so a file that is not media stops there.
   */
  async writePart(id: string, partNumber: number, upload: UploadBody): Promise<PartEtag> {
    return this.exclusive(id, () =>
      this.orDiscard(id, async () => {
        await this.pending(id)
        if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_UPLOAD_PARTS) {
          throw new UploadRefusal(400, 'invalid_part', `Part numbers go from 1 to ${MAX_UPLOAD_PARTS}.`)
        }
        const stored = await this.storedParts(id)
        const others = stored.filter((part) => part.number !== partNumber)
        const room = this.maxUploadBytes - others.reduce((sum, part) => sum + part.size, 0)
        if ((upload.declaredLength ?? 0) > room) throw tooLarge(this.maxUploadBytes)
        const dir = this.paths(id).parts
        await mkdir(dir, { recursive: true })
        const temp = path.join(dir, `${randomUUID()}.tmp`)
        const hash = createHash('md5')
        let etag: string
        try {
          await streamToFile(upload.body, temp, {
            limit: room,
            overLimit: () => tooLarge(this.maxUploadBytes),
            hash,
            ...(partNumber === 1 ? { checkHead: async (head: Uint8Array) => void (await requireMedia(head)) } : {}),
          })
          etag = hash.digest('hex')
          await rename(temp, path.join(dir, `${String(partNumber).padStart(6, '0')}.${etag}`))
          // The same part sent before with other bytes: only the new one stays.
          const replaced = stored.filter((part) => part.number === partNumber && part.etag !== etag)
          await Promise.all(replaced.map((part) => rm(part.file, { force: true })))
        } finally {
          await rm(temp, { force: true })
        }
        return { partNumber, etag }
      }),
    )
  }

  /**
   * Joins the parts (1…N, none missing) into the file, streamed from disk to disk. `listed` is what
   * the `complete` call sent: every part uploaded, in order, each with the ETag its upload answered
   * (a part listed with a stale ETag, one missing or one never sent refuses the completion).
   */
  async completeParts(id: string, listed?: readonly PartEtag[]): Promise<void> {
    return this.exclusive(id, () =>
      this.orDiscard(id, async () => {
        const meta = await this.pending(id)
        const parts = await this.storedParts(id)
        if (parts.length === 0) throw new UploadRefusal(400, 'invalid_part', 'No part of this upload has arrived.')
        if (parts.some((part, index) => part.number !== index + 1)) {
          throw new UploadRefusal(400, 'invalid_part', 'Parts are missing: they must be numbered 1, 2, 3… without gaps.')
        }
        if (listed && (listed.length !== parts.length || parts.some((part, index) => listed[index]?.partNumber !== part.number || listed[index]?.etag !== part.etag))) {
          throw new UploadRefusal(400, 'invalid_part', 'The parts listed are not the parts uploaded: list each part, in order, with the ETag its upload answered.')
        }
        if (parts.reduce((sum, part) => sum + part.size, 0) > this.maxUploadBytes) throw tooLarge(this.maxUploadBytes)
        const sniffed = await requireMedia(await readHead(parts[0]!.file))
        const temp = `${this.paths(id).data}.${randomUUID()}.tmp`
        // One pipeline for all the parts (one per part into a shared file would pile listeners on it).
        async function* joined() {
          for (const part of parts) yield* createReadStream(part.file)
        }
        try {
          await pipeline(Readable.from(joined()), createWriteStream(temp, { flags: 'wx' }))
          await this.keep(id, meta, temp, sniffed)
        } finally {
          await rm(temp, { force: true })
        }
      }),
    )
  }

  /** Moves a file made elsewhere (a render) into the store. */
  async adopt(file: string, contentType: string, fileName: string): Promise<{ id: string; fileName: string; size: number }> {
    const created = await this.reserve(fileName)
    const { data, meta } = this.paths(created.id)
    await rename(file, data)
    const { size } = await stat(data)
    await writeFile(meta, JSON.stringify({ contentType, fileName: created.fileName, size } satisfies FileMeta))
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

  /**
   * Serves a stored file, honouring a single HTTP byte range so players can seek. Media play inline;
   * anything else (a file kept before uploads were sniffed) only downloads (lib/http/file-headers).
   */
  async serve(id: string, rangeHeader: string | null): Promise<Response> {
    const meta = FILE_ID.test(id) ? await this.meta(id) : undefined
    const data = meta && (await this.localPath(id))
    if (!meta || !data) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } })
    const { size } = await stat(data)
    return byteRangeResponse({
      size,
      rangeHeader,
      headers: { ...fileResponseHeaders(meta.contentType, meta.fileName), 'cache-control': OUTPUT_CACHE_CONTROL },
      open: (range) => Readable.toWeb(createReadStream(data, range ?? {})) as ReadableStream<Uint8Array>,
    })
  }
}

/** The public URL of a stored file. */
export function fileUrl(origin: string, id: string, fileName: string): string {
  return `${origin}${FILES_ROUTE}/${id}/${encodeURIComponent(fileName)}`
}
