import { describeSource, type ContinueChoice, type ContinueSource } from './continue-choices'

/** The input that continues a take, as the studio made it (lib/chains/prepare-continuation). */
export interface PreparedContinuation {
  parentTakeId: string
  endpointId: string
  field: string
  source: ContinueSource
  url: string
}

async function detailOf(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { detail?: unknown } | null
  return typeof body?.detail === 'string' ? body.detail : `The studio answered HTTP ${response.status}.`
}

/** The endpoints and fields a take can continue into. */
export async function fetchContinueChoices(takeId: string, signal?: AbortSignal): Promise<ContinueChoice[]> {
  const response = await fetch(`/api/takes/${encodeURIComponent(takeId)}/continue`, { cache: 'no-store', signal })
  if (!response.ok) throw new Error(await detailOf(response))
  return ((await response.json()) as { choices: ContinueChoice[] }).choices
}

/** Asks the studio for the value that continues `takeId` in `field` of `endpointId` (a frame is extracted and uploaded). */
export async function prepareContinuation(takeId: string, endpointId: string, field: string, signal?: AbortSignal): Promise<PreparedContinuation> {
  const response = await fetch(`/api/takes/${encodeURIComponent(takeId)}/continue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ endpointId, field }),
    cache: 'no-store',
    signal,
  })
  if (!response.ok) throw new Error(await detailOf(response))
  return (await response.json()) as PreparedContinuation
}

/** What the playground says once a continued take's value is in its field. */
export function continuingNotice(made: PreparedContinuation, fieldLabel: string): string {
  return `Continuing take ${made.parentTakeId}: ${describeSource(made.source)} is in ${fieldLabel}. The new take will be recorded as its continuation while that field keeps this value.`
}
