import { pricingRuleOf, type PricingSpec } from '@/lib/pricing/rules'
import type { CatalogEntry } from './catalog'
import { asOpenApiDocument, asPayload, createCatalog } from './catalog'
import { PRICES } from './prices'
import { SEED_EXAMPLES } from './examples-data'
import v2vOpenapi from './data/ltx-2-19b-video-to-video.openapi.json'
import a2vOpenapi from './data/ltx-2-19b-distilled-audio-to-video-lora.openapi.json'
import v2v23Openapi from './data/ltx-2.3-22b-video-to-video.openapi.json'
import i2vProOpenapi from './data/ltx-2-image-to-video.openapi.json'
import refOpenapi from './data/ltx-2.3-22b-distilled-reference-video-to-video-lora.openapi.json'

/**
 * A catalog entry as committed: its pricing is a spec, priced from prices.json (what fal's pricing API
 * answered); its example is the seed's, from ./examples-data.
 */
type CommittedEntry = Omit<CatalogEntry, 'pricing' | 'pricingSpec' | 'example'> & { pricing: PricingSpec }

function completed({ pricing, ...entry }: CommittedEntry): CatalogEntry {
  return { ...entry, pricingSpec: pricing, pricing: pricingRuleOf(entry.id, pricing, PRICES), example: asPayload(SEED_EXAMPLES[entry.id]) }
}

/**
 * The five LTX-2 endpoints, in the order of the seeds. Adding an endpoint is adding an entry here, its
 * OpenAPI document (named by `openApiFileName`), its price in prices.json and its example in ./examples-data.
 */
const COMMITTED_ENTRIES: CommittedEntry[] = [
  {
    id: 'fal-ai/ltx-2-19b/video-to-video',
    modelBase: 'ltx-2-19b',
    title: 'LTX-2 19B — Video to Video',
    category: 'video-to-video',
    description: 'Generate video with audio from videos using LTX-2.',
    openapi: asOpenApiDocument(v2vOpenapi),
    output: { kind: 'ltx2' },
    pricing: { kind: 'per_megapixel' },
  },
  {
    id: 'fal-ai/ltx-2-19b/distilled/audio-to-video/lora',
    modelBase: 'ltx-2-19b',
    title: 'LTX-2 19B Distilled — Audio to Video with LoRA',
    category: 'audio-to-video',
    description: 'Generate video with audio from audio, text and images using LTX-2 Distilled and custom LoRA.',
    openapi: asOpenApiDocument(a2vOpenapi),
    output: { kind: 'ltx2' },
    pricing: { kind: 'per_megapixel' },
  },
  {
    id: 'fal-ai/ltx-2.3-22b/video-to-video',
    modelBase: 'ltx-2.3-22b',
    title: 'LTX-2.3 22B — Video to Video',
    category: 'video-to-video',
    description: 'Generate video with audio from videos using LTX-2.3.',
    openapi: asOpenApiDocument(v2v23Openapi),
    output: { kind: 'ltx2' },
    pricing: { kind: 'per_megapixel' },
  },
  {
    id: 'fal-ai/ltx-2/image-to-video',
    title: 'LTX-2 Pro — Image to Video',
    category: 'image-to-video',
    description: 'Create high-fidelity video with audio from images with LTX-2 Pro.',
    openapi: asOpenApiDocument(i2vProOpenapi),
    output: {
      kind: 'fixed_resolution',
      resolutions: {
        '1080p': { width: 1920, height: 1080 },
        '1440p': { width: 2560, height: 1440 },
        '2160p': { width: 3840, height: 2160 },
      },
      resolutionField: 'resolution',
      durationField: 'duration',
      fpsField: 'fps',
    },
    pricing: {
      kind: 'per_second_by_resolution',
      // fal's unit price is the 1080p rate; its model page: $0.06/s at 1080p, $0.12 at 1440p, $0.24 at 2160p.
      multiplierByResolution: { '1080p': 1, '1440p': 2, '2160p': 4 },
      resolutionField: 'resolution',
      durationField: 'duration',
    },
  },
  {
    id: 'fal-ai/ltx-2.3-22b/distilled/reference-video-to-video/lora',
    modelBase: 'ltx-2.3-22b',
    title: 'LTX-2.3 22B Distilled — Reference Video to Video with LoRA',
    category: 'video-to-video',
    description: 'Generate video with audio from reference videos using LTX-2.3 Distilled and custom LoRA.',
    openapi: asOpenApiDocument(refOpenapi),
    output: { kind: 'ltx2' },
    pricing: {
      kind: 'per_megapixel',
      // Used only while fal publishes no price of its own for this endpoint.
      borrowed: {
        from: 'fal-ai/ltx-2.3-22b/distilled/text-to-video/lora',
        note: "fal publishes no price for this endpoint; this is its text-to-video sibling's rate",
      },
    },
  },
]

export const CATALOG_ENTRIES: CatalogEntry[] = COMMITTED_ENTRIES.map(completed)

export const catalog = createCatalog(CATALOG_ENTRIES)
export type { Endpoint, CatalogEntry, Catalog } from './catalog'
export { createCatalog, resolveEntry } from './catalog'
