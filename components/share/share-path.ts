/** A take's own page, for its owner (its share page, for anyone with the link, is `TakeView.sharePath`). */
export function takePath(id: string): string {
  return `/t/${encodeURIComponent(id)}`
}

/** The playground with a take's input loaded into the form. */
export function remixPath(endpointId: string, id: string): string {
  return `/models/${endpointId}?remix=${encodeURIComponent(id)}`
}
