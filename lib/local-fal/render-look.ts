import type { RenderParameters } from './render-parameters'

/**
 * How the tuned parameters change the simulator's picture: numbers first (pure, tested), then
 * the ffmpeg filters that apply them. Every effect is a look-up table, a pass of noise, a
 * rescale or a crop, so a render costs about what an untuned one does.
 */

/** The guidance the endpoints default to: the neutral look. */
const NEUTRAL_GUIDANCE = 3

export interface Grade {
  /** Luma contrast around mid-grey; 1 leaves it. */
  contrast: number
  /** Chroma gain; 1 leaves it, 0 is grey. */
  saturation: number
  /** How much of the seed's colour cast is laid over the picture; 1 is the usual cast. */
  tint: number
}

export interface Detail {
  /** The picture is made this many times smaller, then scaled back up: blur from too few steps. */
  divisor: number
  /** Strength of the residual noise (ffmpeg's `noise`, 0..100); 0 when denoised to the end. */
  noise: number
}

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, value))

/**
 * Guidance pushes contrast and saturation up (over-cooked at high scales, washed out near 1), as
 * classifier-free guidance does; a weak picture strength lets the input's colours go and the
 * seed's cast take over.
 */
export function gradeOf(parameters: Pick<RenderParameters, 'guidance' | 'pictureStrength'>): Grade {
  const { guidance, pictureStrength } = parameters
  const octaves = guidance === undefined || guidance <= 0 ? 0 : Math.log2(guidance / NEUTRAL_GUIDANCE)
  const strength = pictureStrength === undefined ? 1 : clamp(pictureStrength, 0, 1)
  return {
    contrast: clamp(1 + 0.35 * octaves, 0.45, 1.9),
    saturation: clamp(1 + 0.6 * octaves, 0.1, 2.5) * (0.45 + 0.55 * strength),
    tint: 1 + 1.2 * (1 - strength),
  }
}

/**
 * Fewer steps than the endpoint's clean count leave the picture soft and grainy, in proportion:
 * at a fifth of them it is a fifth of the resolution under heavy grain. At or above it: clean.
 */
export function detailOf(parameters: Pick<RenderParameters, 'steps' | 'cleanSteps'>): Detail {
  const shortfall = parameters.cleanSteps / Math.max(1, parameters.steps)
  if (shortfall <= 1.05) return { divisor: 1, noise: 0 }
  return { divisor: Math.min(6, shortfall), noise: Math.round(clamp(14 * (shortfall - 1), 0, 60)) }
}

/** The gain on the input's audio (and so on its drawn waveform); undefined leaves it as it is. */
export function audioGainOf(parameters: Pick<RenderParameters, 'audioStrength'>): number | undefined {
  const { audioStrength } = parameters
  if (audioStrength === undefined || audioStrength >= 0.999) return undefined
  return 0.15 + 0.85 * clamp(audioStrength, 0, 1)
}

/** A number for an ffmpeg expression: fixed decimals, never an exponent. */
export function decimal(value: number): string {
  return String(Number(value.toFixed(4)))
}

function offset(value: number): string {
  const rounded = Math.round(value)
  return rounded >= 0 ? `+${rounded}` : `-${-rounded}`
}

/**
 * One look-up table over YUV (no RGB round trip) for contrast, saturation and the seed's cast.
 * Its expressions hold commas: pass them through the graph escaping before use.
 */
export function gradeExpressions(grade: Grade, cast: { du: number; dv: number }): { y: string; u: string; v: string } {
  const chroma = (shift: number) =>
    grade.saturation === 1 ? `val${offset(shift * grade.tint)}` : `(val-128)*${decimal(grade.saturation)}+128${offset(shift * grade.tint)}`
  return {
    y: grade.contrast === 1 ? 'val' : `(val-128)*${decimal(grade.contrast)}+128`,
    u: chroma(cast.du),
    v: chroma(cast.dv),
  }
}

/** ffmpeg's `noise` with a seed of its own, so the grain is the same for the same render; `moving`: new grain each frame. */
export function noiseFilter(detail: Detail, seed: number, moving: boolean): string | undefined {
  if (detail.noise <= 0) return undefined
  const flags = moving ? 't+u' : 'u'
  const chroma = Math.round(detail.noise / 2)
  return `noise=c0s=${detail.noise}:c0f=${flags}:c0_seed=${seed}:c1s=${chroma}:c1f=${flags}:c1_seed=${seed + 1}:c2s=${chroma}:c2f=${flags}:c2_seed=${seed + 2}`
}
