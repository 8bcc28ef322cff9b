/** Routes fal's hosts to the front's TLS port; `ca` (PEM) is trusted for them, when the process was not given it otherwise. */
export function routeFalHosts(options: { port: number; ca?: string }): void
