import type { APIRequestContext } from '@playwright/test'
import type { Counters, Faults } from '@/lib/local-fal/faults'
import type { ControlBody } from '@/lib/local-fal/http'

/**
 * The local backend's control route (enabled for tests only): counters and fault injection.
 * Faults given with a `tag` apply only to requests carrying that test tag (see `tagRequests`).
 */
export async function backendControl(
  request: APIRequestContext,
  body: ControlBody = {},
): Promise<{ faults: Faults; counters: Counters }> {
  const response = await request.post('/api/local-fal/_control', { data: body })
  if (!response.ok()) throw new Error(`control route answered ${response.status()}`)
  return (await response.json()) as { faults: Faults; counters: Counters }
}
