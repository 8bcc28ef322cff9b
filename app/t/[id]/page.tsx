import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { loadSharedTake } from '@/components/share/load-shared-take'
import { publicOrigin } from '@/components/share/public-url'
import { NOINDEX, shareMetadata } from '@/components/share/share-metadata'
import { SharedTake } from '@/components/share/shared-take'

export const dynamic = 'force-dynamic'

interface PageProps {
  params: Promise<{ id: string }>
}

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const take = await loadSharedTake((await params).id)
  return take ? shareMetadata(take, await publicOrigin()) : { title: 'Take not found', robots: NOINDEX }
}

/** A take's share page: 404 when there is no such take or its link is revoked. */
export default async function SharedTakePage({ params }: PageProps) {
  const take = await loadSharedTake((await params).id)
  if (!take) notFound()
  return <SharedTake take={take} />
}
