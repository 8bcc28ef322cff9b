import { fetchTake } from '@/lib/takes/take-api'
import type { TakeView } from '@/lib/takes/take-view'
import type { PreparedContinuation } from '@/lib/chains/continue-client'

export interface TakeFromUrlHandlers {
  /** `?take=<id>`: the page shows that take (following it if it still runs), e.g. after a reload. */
  onTake: (view: TakeView) => void
  /** `?remix=<id>`: the form starts from that take's input (`&prompt=used`: with the prompt the model used). */
  onRemix: (view: TakeView) => void
  /** `?continue=<id>&field=<name>`: the field gets the take's output (or a frame of it). */
  onContinue?: (made: PreparedContinuation) => void
  /** What the page says about it (loading, continuing, not found). */
  onNotice: (notice: string) => void
}

/** Whether the address asks the playground for a take (only then is this module fetched). */
export function asksForTake(params: URLSearchParams): boolean {
  return params.has('take') || params.has('remix') || (params.has('continue') && params.has('field'))
}

/** `&prompt=used` on a remix: the form gets the prompt the take's model used (prompt expansion), not the one typed. */
function withUsedPrompt(view: TakeView): TakeView {
  const used = view.output?.prompt
  return typeof used === 'string' ? { ...view, input: { ...view.input, prompt: used } } : view
}

async function continueTake(takeId: string, field: string, endpointId: string, handlers: TakeFromUrlHandlers, signal: AbortSignal) {
  try {
    const { prepareContinuation, continuingNotice } = await import('@/lib/chains/continue-client')
    handlers.onNotice(`Preparing the continuation of take ${takeId}…`)
    const made = await prepareContinuation(takeId, endpointId, field, signal)
    handlers.onContinue?.(made)
    handlers.onNotice(continuingNotice(made, field))
  } catch (error) {
    if (!signal.aborted) handlers.onNotice(`Take ${takeId} could not be continued here: ${error instanceof Error ? error.message : 'try again'}`)
  }
}

/** Acts on `?take=`, `?remix=` or `?continue=&field=`, once, on load. */
export async function takeFromUrl(params: URLSearchParams, endpointId: string, handlers: TakeFromUrlHandlers, signal: AbortSignal): Promise<void> {
  const continued = params.get('continue')
  const continuedField = params.get('field')
  if (!params.has('take') && continued && continuedField) return continueTake(continued, continuedField, endpointId, handlers, signal)
  const remix = !params.has('take')
  const id = params.get('take') ?? params.get('remix')
  if (!id) return
  try {
    const view = await fetchTake(id, { signal })
    if (!view || view.endpointId !== endpointId) return handlers.onNotice('That take was not found for this model.')
    if (remix) handlers.onRemix(params.get('prompt') === 'used' ? withUsedPrompt(view) : view)
    else handlers.onTake(view)
  } catch {
    if (!signal.aborted) handlers.onNotice('That take could not be loaded; reload the page to try again.')
  }
}
