import { fileTypeFromBuffer } from 'file-type'

import { isMediaType } from '@/lib/http/media-type'

/** How many leading bytes the type is read from (file-type's own sample size). */
export const SNIFF_BYTES = 4100

export interface SniffedMedia {
  /** The media type the bytes are, e.g. `video/mp4` (never the one a caller declared). */
  mime: string
  /** The usual file extension for it, e.g. `mp4`. */
  ext: string
}

/** The video, audio or image type `head` (a file's first bytes) starts as, or undefined for anything else. */
export async function sniffMedia(head: Uint8Array): Promise<SniffedMedia | undefined> {
  const found = await fileTypeFromBuffer(head.subarray(0, SNIFF_BYTES))
  return found && isMediaType(found.mime) ? { mime: found.mime.split(';', 1)[0]!.trim(), ext: found.ext } : undefined
}
