import committedLifecycle from './data/lifecycle.json'

/** `unlisted`: fal's platform API no longer lists the endpoint; `deprecated`: it lists it as deprecated. */
export type LifecycleStatus = 'unlisted' | 'deprecated'

export interface LifecycleNote {
  status: LifecycleStatus
  /** The day `npm run catalog:refresh` first saw it so (YYYY-MM-DD). */
  noticed: string
}

/** Endpoints that may have been retired, by id: lib/endpoints/data/lifecycle.json. Endpoints fal lists as active are absent. */
export type Lifecycle = Readonly<Record<string, LifecycleNote>>

// Checked when written (lib/endpoints/refresh) and by the unit tests; read here as it is.
const COMMITTED: Lifecycle = committedLifecycle as Lifecycle

/** Why the endpoint may have been retired, as the last refresh saw it; null when fal listed it as active. */
export function possibleRetirement(endpointId: string, lifecycle: Lifecycle = COMMITTED): LifecycleNote | null {
  return lifecycle[endpointId] ?? null
}
