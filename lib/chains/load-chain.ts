import 'server-only'
import { getChain } from '@/lib/db/chain-queries'
import { takeViewOf, type TakeView } from '@/lib/takes/take-view'
import { chainShapeOf, type ChainShape } from './chain-order'

/** A take's chain as its owner's take page shows it; null when the take stands alone (no parent, no children). */
export async function loadChainOf(takeId: string): Promise<ChainShape<TakeView> | null> {
  const views = (await getChain(takeId)).map((take) => takeViewOf(take))
  const shape = chainShapeOf(views, takeId)
  if (!shape || (shape.ancestors.length === 0 && shape.children.length === 0)) return null
  return shape
}
