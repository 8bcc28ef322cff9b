import type { FieldDescriptor } from '@/lib/schema'
import { mediaRoleOf } from '@/lib/generation/output-shape'

/**
 * What of a finished take a continuing field receives: its output video, the last frame of it (an
 * image input: the next shot starts where this one ended), or its first frame (an end image: the
 * next shot ends where this one began).
 */
export type ContinueSource = 'video' | 'last-frame' | 'first-frame'

export const CONTINUE_SOURCES: readonly ContinueSource[] = ['video', 'last-frame', 'first-frame']

export function isContinueSource(value: unknown): value is ContinueSource {
  return typeof value === 'string' && (CONTINUE_SOURCES as readonly string[]).includes(value)
}

/** An end image: a field named for the end of the clip (`end_image_url`). */
function isEndField(name: string): boolean {
  return /(^|_)end(_|$)/.test(name)
}

/** What a field can be filled with from a finished take, read from its compiled descriptor; null when nothing. */
export function continueSourceOf(field: FieldDescriptor): ContinueSource | null {
  if (field.kind !== 'media') return null
  if (field.media === 'video') return 'video'
  if (field.media !== 'image') return null
  if (isEndField(field.name)) return 'first-frame'
  return mediaRoleOf(field.name) === 'image' || field.name.endsWith('_url') ? 'last-frame' : null
}

/** One way to continue a take: this endpoint, with this field filled from it. */
export interface ContinueChoice {
  endpointId: string
  endpointTitle: string
  field: string
  fieldLabel: string
  source: ContinueSource
}

export interface ContinuableEndpoint {
  id: string
  title: string
  fields: readonly FieldDescriptor[]
}

/** Every endpoint and field a finished take can continue into, in catalog and field order. */
export function continueChoicesOf(endpoints: readonly ContinuableEndpoint[]): ContinueChoice[] {
  return endpoints.flatMap((endpoint) =>
    endpoint.fields.flatMap((field) => {
      const source = continueSourceOf(field)
      return source ? [{ endpointId: endpoint.id, endpointTitle: endpoint.title, field: field.name, fieldLabel: field.label, source }] : []
    }),
  )
}

/** What a choice puts in its field, in a few words. */
export function describeSource(source: ContinueSource): string {
  if (source === 'video') return 'its video'
  if (source === 'last-frame') return 'its last frame'
  return 'its first frame'
}

/** Where the playground continues a take: `/models/<endpoint>?continue=<take>&field=<field>`. */
export function continueHref(takeId: string, choice: Pick<ContinueChoice, 'endpointId' | 'field'>): string {
  const params = new URLSearchParams({ continue: takeId, field: choice.field })
  return `/models/${choice.endpointId}?${params.toString()}`
}

export { PARENT_TAKE_HEADER } from './parent-header'
