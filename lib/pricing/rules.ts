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

/** The unit a pricing rule bills in, and so the unit of fal's `x-fal-billable-units` for its endpoint. */
export const BILL_UNITS = ['megapixel', 'second'] as const
export type BillUnit = (typeof BILL_UNITS)[number]

export function billUnitOf(rule: PricingRule): BillUnit {
  return rule.kind === 'per_megapixel' ? 'megapixel' : 'second'
}

export type PricingSource = { type: 'published' } | { type: 'borrowed'; from: string; note: string }

/** What fal's pricing API answers for one endpoint (`GET /v1/models/pricing`), as prices.json keeps it. */
export interface PublishedPrice {
  /** Price per billing unit, in `currency`. */
  unit_price: number
  unit: string
  currency: string
}

/** Published prices by endpoint id: lib/endpoints/data/prices.json. */
export type PriceBook = Readonly<Record<string, PublishedPrice>>

/** The billing unit fal states for each kind of rule, and the currency every rate is in. */
export const FAL_PRICE_UNIT = { per_megapixel: 'megapixels', per_second_by_resolution: 'seconds' } as const
export const PRICE_CURRENCY = 'USD'

/** Where an endpoint without a published price takes its rate from, and what the studio says about it. */
export interface BorrowedRate {
  from: string
  note: string
}

/**
 * How an endpoint's rule is made from fal's published price: committed with the catalog entry, while
 * the price itself lives in prices.json (which `npm run catalog:refresh` rewrites).
 */
export type PricingSpec =
  | { kind: 'per_megapixel'; borrowed?: BorrowedRate }
  | {
      kind: 'per_second_by_resolution'
      /**
       * Each resolution's rate as a multiple of fal's unit price (its base rate): fal's pricing API
       * answers one price per endpoint, its model page the rate of each resolution.
       */
      multiplierByResolution: Record<string, number>
      resolutionField: string
      durationField: string
      borrowed?: BorrowedRate
    }

// Float products carry noise (0.06 × 3 = 0.18000000000000002); no price needs 10 decimals.
function roundedRate(value: number): number {
  return Math.round(value * 1e10) / 1e10
}

/** Whether a published price can feed a rule of this kind: its unit and currency are the ones the rule bills in. */
export function priceFits(kind: PricingSpec['kind'], price: PublishedPrice): boolean {
  return price.unit === FAL_PRICE_UNIT[kind] && price.currency === PRICE_CURRENCY
}

/**
 * The endpoint's pricing rule: its own published price, else (for a spec that names one) the rate it
 * borrows, said on screen as an estimate. Throws when prices.json holds neither, or holds a price in
 * another unit or currency than the rule bills in (the refresh never writes one).
 */
export function pricingRuleOf(endpointId: string, spec: PricingSpec, prices: PriceBook): PricingRule {
  const own = prices[endpointId]
  const borrowed = own ? undefined : spec.borrowed
  const price = own ?? (borrowed ? prices[borrowed.from] : undefined)
  if (!price) throw new Error(`prices.json holds no price for ${endpointId}${spec.borrowed ? ` nor for ${spec.borrowed.from}` : ''}`)
  if (!priceFits(spec.kind, price)) {
    throw new Error(`The price of ${endpointId} is in ${price.currency} per ${price.unit}; its rule bills ${PRICE_CURRENCY} per ${FAL_PRICE_UNIT[spec.kind]}`)
  }
  const source: PricingSource = borrowed ? { type: 'borrowed', from: borrowed.from, note: borrowed.note } : { type: 'published' }
  if (spec.kind === 'per_megapixel') return { kind: 'per_megapixel', usdPerMegapixel: price.unit_price, source }
  const usdPerSecond = Object.fromEntries(Object.entries(spec.multiplierByResolution).map(([resolution, multiple]) => [resolution, roundedRate(price.unit_price * multiple)]))
  return { kind: 'per_second_by_resolution', usdPerSecond, resolutionField: spec.resolutionField, durationField: spec.durationField, source }
}

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
