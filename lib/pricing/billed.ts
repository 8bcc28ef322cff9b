import type { Endpoint } from '@/lib/endpoints'
import { effectiveInput, type OutputRule } from '@/lib/generation/output-shape'
import { videoOf } from '@/lib/generation/output-video'
import type { FormValues, Payload } from '@/lib/schema'
import { billedTake, formatUsd, rateResolution } from './estimate'
import { billUnitOf, type BillUnit, type PricingRule } from './rules'

/**
 * What a settled take records of its bill (the columns of the same names). `billableUnits` is set
 * only when fal answered the units it bills; otherwise the amount was computed from the output.
 */
export interface SettledBill {
  billedUsd: number | null
  billableUnits: number | null
  billedUnit: BillUnit | null
  /** USD per unit, as the endpoint's rule stated it when the take was billed. */
  billedRateUsd: number | null
}

export const NO_BILL: SettledBill = { billedUsd: null, billableUnits: null, billedUnit: null, billedRateUsd: null }

/**
 * fal's `x-fal-billable-units` header as a number of units; null when it is absent or is not a
 * finite, non-negative number (such a header is not trusted for a bill).
 */
export function parseBillableUnits(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value.trim() === '') return null
  const units = Number(value.trim())
  return Number.isFinite(units) && units >= 0 ? units : null
}

// Float products carry noise (112 × 0.0018 = 0.20160000000000003); no price needs 10 decimals.
function money(value: number): number {
  return Math.round(value * 1e10) / 1e10
}

/**
 * The endpoint's rate for this take, per unit: a per-second rule's rate for the resolution the
 * input chose (its default when it left it out), else the one the output's size maps to; undefined
 * when neither tells.
 */
function rateOf(endpoint: { pricing: PricingRule; outputRule: OutputRule }, input: Payload, output: unknown): number | undefined {
  const rule = endpoint.pricing
  if (rule.kind === 'per_megapixel') return rule.usdPerMegapixel
  const video = videoOf(output)
  const resolution = rateResolution(rule, endpoint.outputRule, input, video?.width, video?.height)
  return resolution === undefined ? undefined : rule.usdPerSecond[resolution]
}

/**
 * What a take that ended was billed. When fal answered billable units, units × the endpoint's rate
 * (for a failed run too: fal says what it bills). Otherwise, for a completed take, the amount its
 * output gives at the rate (`billedTake`, an estimate from the output); nothing for a failed one,
 * as fal bills only successful outputs.
 */
export function settledBill(
  endpoint: Pick<Endpoint, 'pricing' | 'outputRule'>,
  take: { input: Payload; output?: unknown; billableUnits: number | null },
  /** The schema's defaults, for what the input left out (`describeForm(endpoint.input).defaults`). */
  defaults: FormValues = {},
): SettledBill {
  const { input, output, billableUnits } = take
  if (billableUnits !== null) {
    const rate = rateOf(endpoint, effectiveInput(defaults, input), output)
    if (rate !== undefined) return { billedUsd: money(billableUnits * rate), billableUnits, billedUnit: billUnitOf(endpoint.pricing), billedRateUsd: rate }
  }
  if (output === undefined) return NO_BILL
  const fromOutput = billedTake(endpoint, output, input)
  return { ...NO_BILL, billedUsd: fromOutput?.amount ?? null }
}

/** "112", "111.5", "6": units as fal gave them, without float noise. */
function formatUnits(units: number): string {
  return String(Number(units.toPrecision(10)))
}

/** "112 MP", "6 s". */
export function unitsText(units: number, unit: BillUnit): string {
  return `${formatUnits(units)} ${unit === 'megapixel' ? 'MP' : 's'}`
}

/** "112 MP × $0.0018 = $0.2016", "6 s × $0.06/s = $0.3600": a bill from fal's units. */
export function unitsBreakdown(units: number, unit: BillUnit, rateUsd: number, amount: number): string {
  return `${unitsText(units, unit)} × $${rateUsd.toString()}${unit === 'second' ? '/s' : ''} = ${formatUsd(amount)}`
}

/**
 * Whether a take was billed more than its estimate: the estimate is meant as an upper bound, so
 * this means it failed as one. Float noise (under a millionth of a cent) is no difference.
 */
export function billedAboveEstimate(billedUsd: number | null, estimateUsd: number | null): boolean {
  if (billedUsd === null || estimateUsd === null) return false
  return Math.round(billedUsd * 1e8) > Math.round(estimateUsd * 1e8)
}
