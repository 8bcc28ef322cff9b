import type { Endpoint } from '@/lib/endpoints'
import type { InputMediaFacts, OutputRule, OutputShape, ShapeBounds } from '@/lib/generation/output-shape'
import { effectiveInput, resolveOutputShapeWithAssumptions } from '@/lib/generation/output-shape'
import { videoOf } from '@/lib/generation/output-video'
import type { FormDescription, FormValues, JsonValue, Payload } from '@/lib/schema'
import type { NumberField } from '@/lib/schema/fields'
import type { PricingRule } from './rules'

/**
 * What the estimate needs of an endpoint: its rules, its schema's defaults, and the most its schema
 * allows (what chosen media whose facts are unknown are priced at). Make one with `pricedEndpoint`.
 */
export type PricedEndpoint = Pick<Endpoint, 'pricing' | 'outputRule'> & { defaults: FormValues; bounds: ShapeBounds }

function numberFieldNamed(fields: FormDescription['fields'], name: string): NumberField | undefined {
  const field = fields.find((candidate) => candidate.name === name)
  return field?.kind === 'number' ? field : undefined
}

/** The largest frame count, frame rate and custom size the endpoint's schema allows. */
export function shapeBoundsOf(fields: FormDescription['fields']): ShapeBounds {
  const size = fields.find((field) => field.kind === 'size')
  const side = (name: string) => (size?.kind === 'size' ? size.dimensions.find((dimension) => dimension.name === name)?.max : undefined)
  return { maxFrames: numberFieldNamed(fields, 'num_frames')?.max, maxFps: numberFieldNamed(fields, 'fps')?.max, maxWidth: side('width'), maxHeight: side('height') }
}

/** An endpoint ready to price, from its form description (`describeForm` or `compileSchema`). */
export function pricedEndpoint(endpoint: Pick<Endpoint, 'pricing' | 'outputRule'>, form: FormDescription): PricedEndpoint {
  return { pricing: endpoint.pricing, outputRule: endpoint.outputRule, defaults: form.defaults, bounds: shapeBoundsOf(form.fields) }
}

/** An amount in USD and the sum that gives it, e.g. "6 s × $0.06/s at 1080p = $0.3600". */
export interface Bill {
  amount: number
  breakdown: string
}

export interface Estimate extends Bill {
  /** Plain-English statements of what the estimate took for granted; empty when nothing was. */
  assumptions: string[]
  shape: OutputShape
  /** Billed megapixels (rounded up), for per-megapixel rules. */
  megapixels?: number
}

type PerSecondRule = Extract<PricingRule, { kind: 'per_second_by_resolution' }>

/** "$0.1980": four decimals, as fal's prices need, halves rounded up. */
export function formatUsd(amount: number): string {
  // toFixed rounds the binary value: 0.15455 is stored as 0.154549999… and would print $0.1545.
  const tenThousandths = Math.round(Number((amount * 10_000).toPrecision(12)))
  return `$${(tenThousandths / 10_000).toFixed(4)}`
}

/** A rate as the rule states it: "$0.0018", "$0.001605". */
function formatRate(rate: number): string {
  return `$${rate.toString()}`
}

// Float products carry noise (112 × 0.0018 = 0.20160000000000003); no price needs 10 decimals.
function money(value: number): number {
  return Math.round(value * 1e10) / 1e10
}

/** Megapixels fal bills for a video: width × height × frames / 10⁶, rounded up to a whole number. */
export function billedMegapixels(width: number, height: number, frames: number): number {
  return Math.ceil((width * height * frames) / 1_000_000)
}

export function perMegapixelAmount(width: number, height: number, frames: number, usdPerMegapixel: number): number {
  return money(billedMegapixels(width, height, frames) * usdPerMegapixel)
}

/** "1280 × 704 × 121 = 110 MP × $0.0018 = $0.1980" */
export function perMegapixelBill(width: number, height: number, frames: number, usdPerMegapixel: number): Bill & { megapixels: number } {
  const megapixels = billedMegapixels(width, height, frames)
  const amount = perMegapixelAmount(width, height, frames, usdPerMegapixel)
  const breakdown = `${width} × ${height} × ${frames} = ${megapixels} MP × ${formatRate(usdPerMegapixel)} = ${formatUsd(amount)}`
  return { amount, breakdown, megapixels }
}

/** "6 s × $0.06/s at 1080p = $0.3600" */
export function perSecondBill(seconds: number, usdPerSecond: number, resolution: string): Bill {
  const amount = money(seconds * usdPerSecond)
  return { amount, breakdown: `${seconds} s × ${formatRate(usdPerSecond)}/s at ${resolution} = ${formatUsd(amount)}` }
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

/** The resolution name whose size is `width` × `height`, when the endpoint sizes by resolution. */
function resolutionNamed(rule: OutputRule, width: unknown, height: unknown): string | undefined {
  if (rule.kind !== 'fixed_resolution') return undefined
  return Object.entries(rule.resolutions).find(([, size]) => size.width === width && size.height === height)?.[0]
}

/** The rate's resolution: the input's value when priced, else the one the output's size maps to. */
export function rateResolution(rule: PerSecondRule, outputRule: OutputRule, input: Record<string, JsonValue> | undefined, width: unknown, height: unknown) {
  const chosen = input?.[rule.resolutionField]
  if (typeof chosen === 'string' && rule.usdPerSecond[chosen] !== undefined) return chosen
  const mapped = resolutionNamed(outputRule, width, height)
  return mapped !== undefined && rule.usdPerSecond[mapped] !== undefined ? mapped : undefined
}

function estimatePerSecond(rule: PerSecondRule, outputRule: OutputRule, input: Record<string, JsonValue>, shape: OutputShape, assumptions: string[]): Bill {
  const seconds = num(input[rule.durationField]) ?? shape.duration
  let resolution = rateResolution(rule, outputRule, input, shape.width, shape.height)
  if (resolution === undefined) {
    resolution = Object.keys(rule.usdPerSecond)[0]
    if (resolution === undefined) throw new Error('The pricing rule lists no rate')
    assumptions.push(`Priced at the ${resolution} rate`)
  }
  return perSecondBill(seconds, rule.usdPerSecond[resolution]!, resolution)
}

/**
 * What a take would cost: the payload merged over the schema's defaults, shaped as the endpoint
 * would shape it given what is known of the input media, and priced by the endpoint's rule.
 * Pure and total: in-progress form values give an estimate and assumptions, never an error.
 */
export function estimateTake(endpoint: PricedEndpoint, payload: Payload, media: InputMediaFacts): Estimate {
  const input = effectiveInput(endpoint.defaults, payload)
  const { shape, assumptions } = resolveOutputShapeWithAssumptions(endpoint.outputRule, input, media, endpoint.defaults, endpoint.bounds)
  const rule = endpoint.pricing
  const bill =
    rule.kind === 'per_megapixel'
      ? perMegapixelBill(shape.width, shape.height, shape.numFrames, rule.usdPerMegapixel)
      : estimatePerSecond(rule, endpoint.outputRule, input, shape, assumptions)
  if (rule.source.type === 'borrowed') assumptions.push(rule.source.note)
  return { ...bill, assumptions, shape }
}

/**
 * What a completed take was billed, from its output JSON (`video.width`, `height`, `num_frames`,
 * `duration`). Per-second rules take the resolution from `input` when given, else from the output's
 * size. Null when the output lacks the numbers the rule needs.
 */
export function billedTake(endpoint: Pick<Endpoint, 'pricing' | 'outputRule'>, output: unknown, input?: Payload): Bill | null {
  const video = videoOf(output)
  if (!video) return null
  const rule = endpoint.pricing
  if (rule.kind === 'per_megapixel') {
    const { width, height, numFrames: frames } = video
    if (width === undefined || height === undefined || frames === undefined) return null
    const { amount, breakdown } = perMegapixelBill(width, height, frames, rule.usdPerMegapixel)
    return { amount, breakdown }
  }
  const seconds = video.duration
  const resolution = rateResolution(rule, endpoint.outputRule, input, video.width, video.height)
  if (seconds === undefined || resolution === undefined) return null
  return perSecondBill(seconds, rule.usdPerSecond[resolution]!, resolution)
}
