import { SEED_EXAMPLES } from './examples-data'

/** fal names the fields that hold input media `*_url` (as lib/schema/fields reads them). */
const MEDIA_FIELD = /_url$/

/**
 * The origins (`https://host[:port]`) the media of `examples` live at: every top-level `*_url` field
 * holding an http(s) URL. LoRA weights are not media a page shows, so they are not counted.
 */
export function exampleMediaOrigins(examples: Iterable<unknown>): string[] {
  const origins = new Set<string>()
  for (const example of examples) {
    if (typeof example !== 'object' || example === null) continue
    for (const [field, value] of Object.entries(example)) {
      if (!MEDIA_FIELD.test(field) || typeof value !== 'string' || !/^https?:\/\//i.test(value)) continue
      origins.add(new URL(value).origin)
    }
  }
  return [...origins].sort()
}

/** Where the catalog's example media live (with a key, "Load example" keeps the seeds' own URLs). */
export const EXAMPLE_MEDIA_ORIGINS: readonly string[] = exampleMediaOrigins(Object.values(SEED_EXAMPLES))
