import 'server-only'
import { randomUUID } from 'node:crypto'
import { copyFile, mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'

import { byteRangeResponse } from '@/lib/http/byte-range'
import { fileResponseHeaders } from '@/lib/http/file-headers'
import { settingsOf, type Env } from '@/lib/settings'
import {
  OUTPUT_CACHE_CONTROL,
  assertValidKey,
  contentTypeOfKey,
  isValidKey,
  nameOfKey,
  notFound,
  safeContentType,
  splitPrefix,
  type OutputStore,
} from './store'

/** `<TAKES_DATA_DIR or ./data>/outputs`, absolute. */
export function localOutputsDir(env: Env = process.env): string {
  const dir = path.join(settingsOf(env).dataDir, 'outputs')
  // Stored outputs are data, not code: the build's file tracing must not follow this path.
  return path.resolve(/* turbopackIgnore: true */ dir)
}

interface Meta {
  contentType: string
}

/**
 * Keeps outputs as files: `<root>/<dir>/<name>`, with the content type beside it in a hidden
 * `.<name>.meta.json` (keys cannot start with a dot, so neither it nor a temporary file is servable).
 * Writes go to a temporary name first and are renamed into place, so a reader never sees half a file.
 */
export class LocalDiskStore implements OutputStore {
  constructor(readonly root: string) {}

  private paths(key: string) {
    assertValidKey(key)
    const [dir = '', name = ''] = key.split('/')
    const folder = path.join(this.root, dir)
    return { folder, name, data: path.join(folder, name), meta: path.join(folder, `.${name}.meta.json`) }
  }

  async put(key: string, source: string | Uint8Array, contentType: string): Promise<void> {
    const { folder, name, data, meta } = this.paths(key)
    await mkdir(folder, { recursive: true })
    const temp = path.join(folder, `.${name}.${randomUUID()}.tmp`)
    const metaTemp = `${temp}.meta`
    try {
      if (typeof source === 'string') await copyFile(source, temp)
      else await writeFile(temp, source)
      await writeFile(metaTemp, JSON.stringify({ contentType: safeContentType(contentType) } satisfies Meta))
      await rename(metaTemp, meta)
      await rename(temp, data)
    } catch (error) {
      await Promise.all([rm(temp, { force: true }), rm(metaTemp, { force: true })])
      throw error
    }
  }

  private async contentType(metaPath: string, key: string): Promise<string> {
    try {
      const parsed: unknown = JSON.parse(await readFile(metaPath, 'utf8'))
      if (typeof parsed === 'object' && parsed !== null && 'contentType' in parsed && typeof parsed.contentType === 'string') {
        return safeContentType(parsed.contentType)
      }
    } catch {
      // No (readable) meta: guess from the name.
    }
    return contentTypeOfKey(key)
  }

  async serve(key: string, rangeHeader: string | null): Promise<Response> {
    if (!isValidKey(key)) return notFound()
    const { data, meta } = this.paths(key)
    // One open file for the size and the bytes: a concurrent replacement cannot make them disagree.
    let handle: FileHandle
    try {
      handle = await open(data, 'r')
    } catch {
      return notFound()
    }
    let opened = false
    try {
      const stats = await handle.stat()
      if (!stats.isFile()) return notFound()
      return byteRangeResponse({
        size: stats.size,
        rangeHeader,
        headers: {
          ...fileResponseHeaders(await this.contentType(meta, key), nameOfKey(key)),
          'cache-control': OUTPUT_CACHE_CONTROL,
          'last-modified': stats.mtime.toUTCString(),
        },
        open: (range) => {
          opened = true
          // The stream closes the file when it ends or is cancelled.
          return Readable.toWeb(handle.createReadStream(range ?? {})) as ReadableStream<Uint8Array>
        },
      })
    } finally {
      if (!opened) await handle.close().catch(() => {})
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    const { dir, namePrefix } = splitPrefix(prefix)
    const folder = path.join(this.root, dir)
    if (namePrefix === '') {
      await rm(folder, { recursive: true, force: true })
      return
    }
    let names: string[]
    try {
      names = await readdir(folder)
    } catch {
      return
    }
    const doomed = names.filter((name) => !name.startsWith('.') && name.startsWith(namePrefix))
    await Promise.all(
      doomed.map(async (name) => {
        await rm(path.join(folder, name), { recursive: true, force: true })
        await rm(path.join(folder, `.${name}.meta.json`), { force: true })
      }),
    )
  }
}
