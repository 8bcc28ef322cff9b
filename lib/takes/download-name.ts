/**
 * What a take's output is called when it is downloaded: `<model>-<take id>.<ext>`, the model being the
 * endpoint id without its owner (`fal-ai/ltx-2-19b/video-to-video` → `ltx-2-19b-video-to-video`).
 */
export function downloadFileName(endpointId: string, takeId: string, extension = 'mp4'): string {
  const model = endpointId
    .split('/')
    .slice(1)
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return `${model || 'take'}-${takeId}.${extension.replace(/^\./, '')}`
}

/** The video's address that downloads it under its name: the studio's kept copy answers `?download=1` with one. */
export function downloadHref(videoUrl: string): string {
  if (!videoUrl.startsWith('/api/outputs/')) return videoUrl
  return `${videoUrl}${videoUrl.includes('?') ? '&' : '?'}download=1`
}
