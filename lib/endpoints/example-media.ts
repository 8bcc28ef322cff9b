/**
 * The example media the studio ships in public/examples (made by scripts/make-example-media.mjs),
 * used by "Load example" in local mode. The local simulator keeps a copy of each in its file store
 * under a fixed id (lib/local-fal/files), so an example input names them by the simulator's own file
 * URLs, which the studio and the simulator read from disk and never fetch: no loopback URL has to be
 * let through the SSRF checks.
 */

export type ExampleMediaKind = 'video' | 'image' | 'audio'

export interface ExampleMedia {
  /** Its id in the simulator's file store: fixed, and never one `randomUUID` makes (version 0). */
  fileId: string
  /** Its file name, in public/examples and in its file URL. */
  fileName: string
  contentType: string
}

export const EXAMPLE_MEDIA: Readonly<Record<ExampleMediaKind, ExampleMedia>> = {
  video: { fileId: '00000000-0000-0000-0000-0000000e0001', fileName: 'example-video.mp4', contentType: 'video/mp4' },
  image: { fileId: '00000000-0000-0000-0000-0000000e0002', fileName: 'example-image.jpg', contentType: 'image/jpeg' },
  audio: { fileId: '00000000-0000-0000-0000-0000000e0003', fileName: 'example-audio.mp3', contentType: 'audio/mpeg' },
}

/** Where the example media are, under the studio's `public/` folder (and at `/examples/…` on its site). */
export const EXAMPLE_MEDIA_DIR = 'examples'

/**
 * The simulator's file route (FILES_ROUTE in lib/fal/local-simulator, which is server code and cannot be
 * imported by the page; tests/unit/endpoint-examples.test.ts checks the two agree).
 */
const SIMULATOR_FILES_ROUTE = '/api/local-fal/files'

/** The URL of an example media file in the simulator's store, on the studio at `origin`. */
export function localExampleMediaUrl(origin: string, kind: ExampleMediaKind): string {
  const { fileId, fileName } = EXAMPLE_MEDIA[kind]
  return `${origin}${SIMULATOR_FILES_ROUTE}/${fileId}/${fileName}`
}
