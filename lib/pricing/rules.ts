/**
 * A pricing rule is data: how fal bills one endpoint. The estimate itself (from an input) is
 * computed from these rules; this module only describes them.
 */
export type PricingRule =
  | {
      kind: 'per_megapixel'
      /** USD per megapixel of output video (width × height × frames / 10⁶, rounded up). */
      usdPerMegapixel: number
      /** Where the rate comes from; anything but `published` must be said on screen. */
      source: PricingSource
    }
  | {
      kind: 'per_second_by_resolution'
      /** USD per second of output, keyed by the value of the `resolution` input. */
      usdPerSecond: Record<string, number>
      resolutionField: string
      durationField: string
      source: PricingSource
    }

export type PricingSource = { type: 'published' } | { type: 'borrowed'; from: string; note: string }

function usd(amount: number): string {
  return `$${amount.toString()}`
}

/** One line that states the price, e.g. "$0.0018 per megapixel of output". */
export function priceLine(rule: PricingRule): string {
  const line =
    rule.kind === 'per_megapixel'
      ? `${usd(rule.usdPerMegapixel)} per megapixel of output`
      : `${Object.entries(rule.usdPerSecond)
          .map(([resolution, rate]) => `${usd(rate)}/s at ${resolution}`)
          .join(', ')}`
  return rule.source.type === 'published' ? line : `≈ ${line} (estimate: ${rule.source.note})`
}
