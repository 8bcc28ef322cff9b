import { z } from 'zod'
import type { PriceBook } from '@/lib/pricing/rules'
import type { Lifecycle } from '../lifecycle'

// The committed data files' shapes, checked where they are written (the refresh) and by the unit
// tests; the studio reads the committed files as they are, so no page carries these schemas.

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

const lifecycleSchema = z.record(
  z.string().min(1),
  z.object({ status: z.enum(['unlisted', 'deprecated']), noticed: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
)

/** Checks lifecycle.json (or what the refresh is about to write there). */
export function asLifecycle(json: unknown): Lifecycle {
  const parsed = lifecycleSchema.safeParse(json)
  if (!parsed.success) throw new Error(`Not a lifecycle file: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`)
  return parsed.data
}
