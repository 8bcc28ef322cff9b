import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { loadSharedTake } from '@/lib/takes/load-take-view'
import { publicOrigin } from '@/lib/http/page-origin'
import { NOINDEX, shareMetadata } from '@/components/share/share-metadata'
import { SharedTake } from '@/components/share/shared-take'
import { sharePathOf } from '@/lib/takes/take-view'

export const dynamic = 'force-dynamic'

interface PageProps {
  params: Promise<{ token: string }>
}

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const { token } = await params
  const take = await loadSharedTake(token)
  return take ? shareMetadata(take, await publicOrigin(), sharePathOf(token)) : { title: 'Take not found', robots: NOINDEX }
}

/** A shared take's page, for anyone with the link: 404 when there is no such link or it was revoked. */
export default async function SharedTakePage({ params }: PageProps) {
  const { token } = await params
  const take = await loadSharedTake(token)
  if (!take) notFound()
  return <SharedTake take={take} shareToken={token} />
}
