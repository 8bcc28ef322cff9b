import 'server-only'
import { cache } from 'react'
import { getTake, getTakeByShareToken } from '@/lib/db/queries'
import { takeViewOf, type TakeView } from '@/lib/takes/take-view'

/**
 * The take behind a share link, as anyone holding the link sees it; null when there is no such
 * link (never shared, revoked, or the take deleted — all a plain 404 that tells nothing). Read once
 * per request, shared by the page and its metadata.
 */
export const loadSharedTake = cache(async (token: string): Promise<TakeView | null> => {
  const take = await getTakeByShareToken(token)
  return take ? takeViewOf(take, { token }) : null
})

/** A take as its owner sees it on its own page; null when there is no such take. */
export const loadOwnTake = cache(async (id: string): Promise<TakeView | null> => {
  const take = await getTake(id)
  return take ? takeViewOf(take) : null
})
