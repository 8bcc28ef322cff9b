import { videoOf } from '@/lib/generation/output-video'
import { formatBytes } from '@/components/schema-form/format'
import { formatSeconds } from '@/components/takes/format'

/** What a take's video is, in words; a fact its output does not state is absent. */
export interface OutputFacts {
  duration?: string
  resolution?: string
  fps?: string
  frames?: string
  size?: string
}

/** The facts of an output's video (`output.video`), as shown on cards, the take page and link previews. */
export function outputFactsOf(output: unknown): OutputFacts {
  const video = videoOf(output)
  if (!video) return {}
  const { width, height, fps, numFrames, fileSize } = video
  // fal states the duration; an output that does not still tells it by its frames and rate.
  const seconds = video.duration ?? (numFrames && fps ? numFrames / fps : undefined)
  return {
    duration: seconds ? formatSeconds(seconds) : undefined,
    resolution: width && height ? `${width} × ${height}` : undefined,
    fps: fps ? `${Number(fps.toFixed(2))} fps` : undefined,
    frames: numFrames ? String(numFrames) : undefined,
    size: fileSize ? formatBytes(fileSize) : undefined,
  }
}
