/**
 * The tuned parameters the simulator's render follows, read from an endpoint's effective input
 * (the payload over the schema's defaults). Field names come from the endpoints' schemas; an
 * endpoint without a field simply leaves that parameter out.
 */

export const CAMERA_MOVES = ['dolly_in', 'dolly_out', 'dolly_left', 'dolly_right', 'jib_up', 'jib_down', 'static'] as const
export type CameraMove = (typeof CAMERA_MOVES)[number]

export interface CameraLora {
  move: CameraMove
  /** The LoRA's weight: 0 does nothing, 1 is the full move. */
  scale: number
}

export interface RenderParameters {
  /** Classifier-free guidance (`guidance_scale`, `video_cfg_scale`); absent: the look of the usual 3. */
  guidance?: number
  /** How strongly the picture input holds (`video_strength`, else `image_strength`), 0..1. */
  pictureStrength?: number
  /** How strongly the audio input holds (`audio_strength`), 0..1. */
  audioStrength?: number
  /** The denoising steps the model runs (`num_inference_steps`, or the endpoint's fixed count). */
  steps: number
  /** The steps at which this endpoint's output is clean: its default. Fewer leave noise and blur. */
  cleanSteps: number
  /** The first camera LoRA asked for (`camera_lora`, else one named in `loras`). */
  camera?: CameraLora
}

/** Distilled LTX endpoints (and LTX-2 Pro) run a fixed schedule they do not expose. */
export const FIXED_STEPS = 8

type Input = Readonly<Record<string, unknown>>

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

function isCameraMove(value: unknown): value is CameraMove {
  return typeof value === 'string' && (CAMERA_MOVES as readonly string[]).includes(value)
}

/** The part of a LoRA's address that names it: the URL's path, not its host ("static.example.com"). */
function namePart(loraPath: string): string {
  try {
    return decodeURIComponent(new URL(loraPath).pathname)
  } catch {
    return loraPath
  }
}

/** "…/LTX-2-19b-LoRA-Camera-Control-Dolly-Left/…safetensors" → dolly_left; "…Camera-Control-Static…" → static. */
export function cameraMoveInPath(loraPath: string): CameraMove | undefined {
  const name = namePart(loraPath).replace(/\.safetensors$/i, '')
  const move = /(dolly|jib)[-_ ]?(in|out|left|right|up|down)(?![a-z])/i.exec(name)
  if (move) {
    const found = `${move[1]}_${move[2]}`.toLowerCase()
    return isCameraMove(found) ? found : undefined
  }
  return /camera[^/]*static(?![a-z])/i.test(name) ? 'static' : undefined
}

function cameraOf(input: Input): CameraLora | undefined {
  if (isCameraMove(input.camera_lora)) return { move: input.camera_lora, scale: finite(input.camera_lora_scale) ?? 1 }
  const loras = Array.isArray(input.loras) ? (input.loras as unknown[]) : []
  for (const lora of loras) {
    if (typeof lora !== 'object' || lora === null) continue
    const { path: loraPath, scale } = lora as { path?: unknown; scale?: unknown }
    const move = typeof loraPath === 'string' ? cameraMoveInPath(loraPath) : undefined
    if (move) return { move, scale: finite(scale) ?? 1 }
  }
  return undefined
}

function positiveSteps(value: unknown): number | undefined {
  const steps = finite(value)
  return steps !== undefined && steps >= 1 ? Math.round(steps) : undefined
}

export function renderParametersOf(input: Input, defaults: Input = {}): RenderParameters {
  const steps = positiveSteps(input.num_inference_steps) ?? FIXED_STEPS
  return {
    guidance: finite(input.guidance_scale) ?? finite(input.video_cfg_scale),
    pictureStrength: finite(input.video_strength) ?? finite(input.image_strength),
    audioStrength: finite(input.audio_strength),
    steps,
    cleanSteps: positiveSteps(defaults.num_inference_steps) ?? steps,
    camera: cameraOf(input),
  }
}
