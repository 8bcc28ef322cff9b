import type { JsonValue } from '@/lib/schema'

export interface VideoMeta {
  width?: number
  height?: number
  contentType?: string
}

/**
 * What the output states about its video file (size, MIME type). take-result.tsx's `videoOf` reads
 * the same object but lives in a client module, which a server component cannot call.
 */
export function videoMetaOf(output: { [key: string]: JsonValue } | null): VideoMeta {
  const video = output?.video
  if (typeof video !== 'object' || video === null || Array.isArray(video)) return {}
  const positive = (value: JsonValue | undefined) => (typeof value === 'number' && value > 0 ? value : undefined)
  return {
    width: positive(video.width),
    height: positive(video.height),
    contentType: typeof video.content_type === 'string' && video.content_type.startsWith('video/') ? video.content_type : undefined,
  }
}
