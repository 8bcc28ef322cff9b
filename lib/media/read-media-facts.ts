import type { MediaFacts } from '@/lib/generation/output-shape'
import type { MediaKind as FieldMediaKind } from '@/lib/schema/fields'

type MediaKind = Exclude<FieldMediaKind, 'file'>

async function imageFacts(source: Blob | string): Promise<MediaFacts> {
  const image = new Image()
  image.src = typeof source === 'string' ? source : URL.createObjectURL(source)
  try {
    await image.decode()
    return { width: image.naturalWidth, height: image.naturalHeight }
  } finally {
    if (typeof source !== 'string') URL.revokeObjectURL(image.src)
  }
}

/** Width, height, duration and frame rate of a video or audio file, read from its container. */
async function containerFacts(source: Blob | string): Promise<MediaFacts> {
  // Loaded on demand: the demuxer is only needed once media is chosen.
  const { ALL_FORMATS, BlobSource, Input, UrlSource } = await import('mediabunny')
  const input = new Input({
    formats: ALL_FORMATS,
    source: typeof source === 'string' ? new UrlSource(source, { getRetryDelay: () => null }) : new BlobSource(source),
  })
  try {
    const [duration, video, audio] = await Promise.all([
      input.computeDuration(),
      input.getPrimaryVideoTrack(),
      input.getPrimaryAudioTrack(),
    ])
    const facts: MediaFacts = { duration, hasVideo: Boolean(video), hasAudio: Boolean(audio) }
    if (video) {
      // Coded size, as ffprobe reports it: the simulator sizes `auto` output from the same numbers.
      const [stats, width, height] = await Promise.all([video.computePacketStats(120), video.getCodedWidth(), video.getCodedHeight()])
      facts.width = width
      facts.height = height
      if (stats.averagePacketRate > 0) facts.fps = Math.round(stats.averagePacketRate * 100) / 100
    }
    return facts
  } finally {
    input.dispose()
  }
}

/**
 * What the estimate needs to know of an input file, read in the browser: a local file before it
 * is uploaded, or a URL the browser can fetch. Resolves to null when the media cannot be read
 * (a host without CORS, an unknown format): the estimate then says what it assumed.
 */
export async function readMediaFacts(kind: MediaKind, source: Blob | string): Promise<MediaFacts | null> {
  try {
    return kind === 'image' ? await imageFacts(source) : await containerFacts(source)
  } catch {
    return null
  }
}
