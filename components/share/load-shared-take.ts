import 'server-only'
import { cache } from 'react'
import { getTake } from '@/lib/db/queries'
import { takeViewOf, type TakeView } from '@/lib/takes/take-view'

/**
 * The take behind a share link, or null when there is no such take or its link is revoked (both
 * are a plain 404: a revoked link tells nothing about the take). Read once per request, shared by
 * the page and its metadata.
 */
export const loadSharedTake = cache(async (id: string): Promise<TakeView | null> => {
  const take = await getTake(id)
  return take?.shareEnabled ? takeViewOf(take) : null
})
