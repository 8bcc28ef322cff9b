/**
 * Media types the studio takes as uploads and serves inline: video, audio and raster images. Never
 * SVG (or any XML or HTML flavour): a browser runs the scripts such a file carries.
 */
const MEDIA_TYPE = /^(video|audio|image)\/[a-z0-9][a-z0-9!#$&^_.+-]*$/
const SCRIPTABLE_SUBTYPE = /svg|xml|html/

/** `contentType` without parameters, trimmed and lower-cased (`Video/MP4; codecs=…` → `video/mp4`). */
export function mediaTypeEssence(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase()
}

/** Whether `contentType` is a video, audio or raster image type (whatever its parameters). */
export function isMediaType(contentType: string | null | undefined): boolean {
  const essence = mediaTypeEssence(contentType)
  return MEDIA_TYPE.test(essence) && !SCRIPTABLE_SUBTYPE.test(essence.slice(essence.indexOf('/') + 1))
}
