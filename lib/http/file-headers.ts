import { isMediaType, mediaTypeEssence } from './media-type'

/**
 * The policy of a stored file that is not media: nothing loads, nothing runs, and a document opened
 * from it is sandboxed into an opaque origin (no cookies, no studio API), were a browser ever to
 * render it as a page.
 */
export const FILE_CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox"

/**
 * The policy of a stored video, audio or image file: as strict, except that the browser's own viewer
 * may play the file it was opened on (its player loads it from the studio's origin and styles itself
 * inline). Scripts stay off: the sandbox does not allow them and `script-src` falls back to 'none'.
 */
export const MEDIA_CONTENT_SECURITY_POLICY = "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox allow-same-origin"

/**
 * Headers for a stored file (an upload, a render, a kept output): media play inline with their own
 * type; anything else is sent as bytes to download (`application/octet-stream`, `attachment`), so no
 * HTML, SVG or script is ever rendered from the studio's origin. With `nosniff` the browser keeps to
 * the declared type.
 */
export function fileResponseHeaders(contentType: string | null | undefined, fileName?: string): Record<string, string> {
  const media = isMediaType(contentType)
  const name = fileName ? `; filename="${fileName.replace(/[^A-Za-z0-9._-]+/g, '_')}"` : ''
  return {
    'content-type': media ? mediaTypeEssence(contentType) : 'application/octet-stream',
    'content-disposition': `${media ? 'inline' : 'attachment'}${name}`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': media ? MEDIA_CONTENT_SECURITY_POLICY : FILE_CONTENT_SECURITY_POLICY,
  }
}
