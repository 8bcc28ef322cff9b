import { createFalClient, type FalClient } from '@fal-ai/client'

/** The studio's proxy route: the browser reaches fal (or the local backend) only through it. */
export const PROXY_URL = '/api/fal/proxy'

/** A fal client that talks through the studio's proxy; the key never reaches the browser. */
export function browserFalClient(fetchImpl?: typeof fetch): FalClient {
  return createFalClient({ proxyUrl: PROXY_URL, ...(fetchImpl ? { fetch: fetchImpl } : {}) })
}
