/** Where a take's share page lives. */
export function sharePath(id: string): string {
  return `/t/${encodeURIComponent(id)}`
}

/** The playground showing a take, for takes whose share link is revoked. */
export function playgroundTakePath(endpointId: string, id: string): string {
  return `/models/${endpointId}?take=${encodeURIComponent(id)}`
}

/** The playground with a take's input loaded into the form. */
export function remixPath(endpointId: string, id: string): string {
  return `/models/${endpointId}?remix=${encodeURIComponent(id)}`
}
