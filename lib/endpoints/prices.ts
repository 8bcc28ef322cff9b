import type { PriceBook } from '@/lib/pricing/rules'
import committedPrices from './data/prices.json'

/** The committed prices, which the catalog's pricing rules are made from. */
// Checked when written (lib/endpoints/refresh) and by the unit tests; read here as it is.
export const PRICES: PriceBook = committedPrices
