import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { loadOwnTake } from '@/lib/takes/load-take-view'
import { publicOrigin } from '@/lib/http/page-origin'
import { absoluteUrl } from '@/lib/http/absolute-url'
import { NOINDEX } from '@/components/share/share-metadata'
import { SharedTake } from '@/components/share/shared-take'
import { SimulatedAmounts } from '@/components/takes/simulated-amounts'
import { backendMode } from '@/lib/fal/backend'
import { promptOf, truncate } from '@/components/takes/take-text'

export const dynamic = 'force-dynamic'

interface PageProps {
  params: Promise<{ id: string }>
}

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const take = await loadOwnTake((await params).id)
  const prompt = take ? promptOf(take.input) : null
  return { title: take ? (prompt ? truncate(prompt, 70) : 'Take') : 'Take not found', robots: NOINDEX }
}

/** A take's own page, for its owner (signing in is required): the take, Remix, and its share link. */
export default async function TakePage({ params }: PageProps) {
  const take = await loadOwnTake((await params).id)
  if (!take) notFound()
  const shareUrl = take.sharePath ? absoluteUrl(await publicOrigin(), take.sharePath) : null
  return (
    <SimulatedAmounts simulated={backendMode() === 'local'}>
      <SharedTake take={take} owner={{ shareUrl }} />
    </SimulatedAmounts>
  )
}
