/**
 * The seeds' example inputs, by endpoint id, as committed in ./data. The catalog's entries carry them
 * (./index.ts), and the pages' Content-Security-Policy admits the hosts their media come from
 * (./example-hosts.ts), so this module imports nothing but the data: next.config.ts loads it too.
 */
import v2v from './data/ltx-2-19b-video-to-video.example.json'
import a2v from './data/ltx-2-19b-distilled-audio-to-video-lora.example.json'
import v2v23 from './data/ltx-2.3-22b-video-to-video.example.json'
import i2vPro from './data/ltx-2-image-to-video.example.json'
import reference from './data/ltx-2.3-22b-distilled-reference-video-to-video-lora.example.json'

export const SEED_EXAMPLES: Readonly<Record<string, unknown>> = {
  'fal-ai/ltx-2-19b/video-to-video': v2v,
  'fal-ai/ltx-2-19b/distilled/audio-to-video/lora': a2v,
  'fal-ai/ltx-2.3-22b/video-to-video': v2v23,
  'fal-ai/ltx-2/image-to-video': i2vPro,
  'fal-ai/ltx-2.3-22b/distilled/reference-video-to-video/lora': reference,
}
