import type { BackendMode } from '@/lib/fal/backend'
import type { FieldDescriptor, Payload } from '@/lib/schema'
import { localExampleMediaUrl, type ExampleMediaKind } from './example-media'

/** What "Load example" needs of an endpoint. */
export interface ExampleSource {
  /** The seed's example input (the catalog entry's `example`). */
  example: Payload
  /** The endpoint's form fields: which of them hold media, and of which kind. */
  fields: readonly FieldDescriptor[]
}

function isExampleMediaKind(kind: string): kind is ExampleMediaKind {
  return kind === 'video' || kind === 'image' || kind === 'audio'
}

/**
 * The example input of an endpoint in a backend mode — the one way "Load example" gets it. On fal the
 * seed's example as it is, with its own media URLs. In local mode the same input, but every media the
 * example names is the studio's own example media of that kind, in the simulator's store on the studio
 * at `origin` (the simulator cannot reach the seeds' hosts offline).
 */
export function exampleInput({ example, fields }: ExampleSource, mode: BackendMode, origin: string): Payload {
  if (mode === 'fal') return structuredClone(example)
  const input = structuredClone(example)
  for (const field of fields) {
    const value = input[field.name]
    if (field.kind !== 'media' || !isExampleMediaKind(field.media) || typeof value !== 'string' || value === '') continue
    input[field.name] = localExampleMediaUrl(origin, field.media)
  }
  return input
}
