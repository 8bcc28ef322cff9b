import 'server-only'
import { runFfmpeg } from '@/lib/media/media-tools'

const FRAME_TIMEOUT_MS = 60_000
// Only plain containers: a playlist could make ffmpeg open other files or URLs.
const DEMUXERS = 'mov,matroska,webm'

export type FrameWhich = 'first' | 'last'

/**
 * Writes the first or last frame of the local video `video` to `png` at full size, losslessly. The
 * last frame: decode the final second and keep overwriting one picture, so the file ends as the
 * very last frame decoded (seeking to "the last frame" directly is not exact with inter-frame codecs).
 */
export async function extractFrame(video: string, which: FrameWhich, png: string, signal: AbortSignal = AbortSignal.timeout(FRAME_TIMEOUT_MS)): Promise<void> {
  const input = ['-protocol_whitelist', 'file', '-format_whitelist', DEMUXERS]
  const args =
    which === 'first'
      ? ['-y', ...input, '-i', video, '-frames:v', '1', '-f', 'image2', '-c:v', 'png', png]
      : ['-y', ...input, '-sseof', '-1', '-i', video, '-map', '0:v:0', '-update', '1', '-f', 'image2', '-c:v', 'png', png]
  await runFfmpeg(args, { signal })
}
