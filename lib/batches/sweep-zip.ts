import { Zip, ZipDeflate, ZipPassThrough } from 'fflate'
import Papa from 'papaparse'
import type { JsonValue, Payload } from '@/lib/schema'

/** One cell of a sweep or batch as its zip needs it: its row (1-based), its take, and where its kept video is. */
export interface ZipCell {
  row: number
  takeId: string | null
  status: string
  input: Payload | null
  /** The kept video's storage key (take.videoKey); null when the take has none. */
  videoKey: string | null
}

/** Opens a kept video's bytes as a stream, with its size; null when it is gone from the store. */
export type OpenVideo = (key: string) => Promise<{ stream: ReadableStream<Uint8Array>; size: number } | null>

export const PARAMETERS_FILE = 'parameters.csv'

/**
 * fflate writes no ZIP64 records, so every offset must stay below 4 GiB: videos that would pass this
 * (with room left for the CSV and the directory) are listed in the CSV as not included.
 */
export const ZIP_VIDEO_BYTES_MAX = 4 * 1024 ** 3 - 64 * 1024 ** 2
export const NOT_INCLUDED = 'not included: a zip holds at most 4 GB of video'

/** "row-03-<take id>.mp4": sorts by row, names the take it came from, and keeps the kept file's extension. */
export function videoFileName(row: number, takeId: string, width: number, videoKey: string): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(videoKey)?.[1] ?? 'mp4'
  return `row-${String(row).padStart(width, '0')}-${takeId}.${extension}`
}

function cellText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return ''
  // A pasted file's data URI is named, not copied into every row.
  if (typeof value === 'string' && value.startsWith('data:')) return `${/^data:[^,;]*/.exec(value)![0]},… (${value.length} characters)`
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/** The parameters CSV: row, take id, status, the video's file name in the zip, then every field any take set. */
export function parametersCsv(cells: readonly ZipCell[], videoNames: ReadonlyMap<number, string>): string {
  const fields: string[] = []
  for (const cell of cells) for (const name of Object.keys(cell.input ?? {})) if (!fields.includes(name)) fields.push(name)
  const data = cells.map((cell) => [String(cell.row), cell.takeId ?? '', cell.status, videoNames.get(cell.row) ?? '', ...fields.map((name) => cellText(cell.input?.[name]))])
  // A prompt starting with = (or +, -, @) is written as text, never run as a spreadsheet formula.
  return Papa.unparse({ fields: ['row', 'take_id', 'status', 'video', ...fields], data }, { escapeFormulae: true })
}

/**
 * The zip of a sweep's or batch's completed videos (stored as they are: video does not compress) and a
 * CSV of every take's parameters, produced chunk by chunk as the videos are read, so a large batch is
 * never held in memory whole.
 */
export async function* sweepZipChunks(cells: readonly ZipCell[], openVideo: OpenVideo): AsyncGenerator<Uint8Array> {
  const ready: Uint8Array[] = []
  let failure: Error | null = null
  const zip = new Zip((error, chunk) => {
    if (error) failure = error
    else ready.push(chunk)
  })
  const drain = function* () {
    if (failure) throw failure
    while (ready.length > 0) yield ready.shift()!
  }
  const width = String(cells.length).length
  const videoNames = new Map<number, string>()
  let videoBytes = 0
  for (const cell of cells) {
    if (!cell.videoKey || !cell.takeId || cell.status !== 'COMPLETED') continue
    const video = await openVideo(cell.videoKey)
    if (!video) continue
    const reader = video.stream.getReader()
    try {
      if (videoBytes + video.size > ZIP_VIDEO_BYTES_MAX) {
        videoNames.set(cell.row, NOT_INCLUDED)
        continue
      }
      const name = videoFileName(cell.row, cell.takeId, width, cell.videoKey)
      const entry = new ZipPassThrough(name)
      zip.add(entry)
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        videoBytes += read.value.byteLength
        if (videoBytes > ZIP_VIDEO_BYTES_MAX) throw new Error('The videos grew past what a zip can hold')
        entry.push(read.value)
        yield* drain()
      }
      entry.push(new Uint8Array(0), true)
      videoNames.set(cell.row, name)
      yield* drain()
    } finally {
      // Also when the download is abandoned: the store's file or connection is let go at once.
      await reader.cancel().catch(() => {})
    }
  }
  const csv = new ZipDeflate(PARAMETERS_FILE, { level: 6 })
  zip.add(csv)
  csv.push(new TextEncoder().encode(parametersCsv(cells, videoNames)), true)
  zip.end()
  yield* drain()
}

/** The chunks as a web stream, read only as fast as the client takes them. */
export function streamOf(chunks: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next()
      if (next.done) controller.close()
      else controller.enqueue(next.value)
    },
    async cancel() {
      await chunks.return(undefined)
    },
  })
}
