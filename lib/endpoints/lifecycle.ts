import { z } from 'zod'
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

const lifecycleSchema = z.record(
  z.string().min(1),
  z.object({ status: z.enum(['unlisted', 'deprecated']), noticed: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
)

export function asLifecycle(json: unknown): Lifecycle {
  const parsed = lifecycleSchema.safeParse(json)
  if (!parsed.success) throw new Error(`Not a lifecycle file: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`)
  return parsed.data
}

const COMMITTED: Lifecycle = asLifecycle(committedLifecycle)

/** Why the endpoint may have been retired, as the last refresh saw it; null when fal listed it as active. */
export function possibleRetirement(endpointId: string, lifecycle: Lifecycle = COMMITTED): LifecycleNote | null {
  return lifecycle[endpointId] ?? null
}
