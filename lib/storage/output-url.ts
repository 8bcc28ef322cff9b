/** Where the studio serves a file it keeps (a take's output copy or poster), by its storage key. */
export function outputUrl(key: string): string {
  return `/api/outputs/${key.split('/').map(encodeURIComponent).join('/')}`
}
