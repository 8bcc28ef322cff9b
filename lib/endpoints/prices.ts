import { z } from 'zod'
import type { PriceBook } from '@/lib/pricing/rules'
import committedPrices from './data/prices.json'

/** One price as fal's pricing API states it; a numeric string is read as its number. */
export const publishedPriceSchema = z.object({
  unit_price: z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/).transform(Number)]).pipe(z.number().nonnegative()),
  unit: z.string().min(1),
  currency: z.string().length(3),
})

const priceBookSchema = z.record(z.string().min(1), publishedPriceSchema)

/** Checks prices.json (or an answer destined for it): endpoint id → `{ unit_price, unit, currency }`. */
export function asPriceBook(json: unknown): PriceBook {
  const parsed = priceBookSchema.safeParse(json)
  if (!parsed.success) throw new Error(`Not a price book: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`)
  return parsed.data
}

/** The committed prices, which the catalog's pricing rules are made from. */
export const PRICES: PriceBook = asPriceBook(committedPrices)
