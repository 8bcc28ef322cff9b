/**
 * Where the committed catalog data lives in lib/endpoints/data, named from the endpoint id, so that
 * `npm run catalog:refresh` finds the file each entry imports.
 */

/** `fal-ai/ltx-2-19b/video-to-video` → `ltx-2-19b-video-to-video`. */
export function endpointFileStem(endpointId: string): string {
  return endpointId.replace(/^fal-ai\//, '').replaceAll('/', '-')
}

/** The endpoint's OpenAPI document as fal's platform API served it. */
export function openApiFileName(endpointId: string): string {
  return `${endpointFileStem(endpointId)}.openapi.json`
}

/** What fal's pricing API answered, by endpoint id (lib/endpoints/prices.ts reads it). */
export const PRICES_FILE = 'prices.json'

/** Endpoints fal no longer lists, or lists as deprecated (lib/endpoints/lifecycle.ts reads it). */
export const LIFECYCLE_FILE = 'lifecycle.json'
