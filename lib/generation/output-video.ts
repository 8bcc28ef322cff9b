import type { JsonValue } from '@/lib/schema'

export interface VideoFacts {
  url: string
  contentType?: string
  fileName?: string
  fileSize?: number
  width?: number
  height?: number
  fps?: number
  numFrames?: number
  duration?: number
}

/** An endpoint's output JSON. */
export type Output = { [key: string]: JsonValue }

export const num = (value: JsonValue | undefined) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined)

function isRecord(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The video file of an endpoint's output (`{ video: VideoFile }` for all LTX-2 endpoints): the one
 * reader of fal's `output.video`, for the pages, the bill and the output copy. Null when it has none.
 */
export function videoOf(output: unknown): VideoFacts | null {
  const video = isRecord(output) ? output.video : undefined
  if (!isRecord(video) || typeof video.url !== 'string') return null
  return {
    url: video.url,
    contentType: typeof video.content_type === 'string' ? video.content_type : undefined,
    fileName: typeof video.file_name === 'string' ? video.file_name : undefined,
    fileSize: num(video.file_size),
    width: num(video.width),
    height: num(video.height),
    fps: num(video.fps),
    numFrames: num(video.num_frames),
    duration: num(video.duration),
  }
}
