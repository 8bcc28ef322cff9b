/** `path` (or an already absolute URL) as an absolute URL on `origin`. Safe for browser code (reads no setting). */
export function absoluteUrl(origin: string, path: string): string {
  return new URL(path, `${origin}/`).href
}
