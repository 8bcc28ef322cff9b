import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { loadOwnTake } from '@/lib/takes/load-take-view'
import { publicOrigin } from '@/lib/http/page-origin'
import { absoluteUrl } from '@/lib/http/absolute-url'
import { NOINDEX, ownerDescription } from '@/components/share/share-metadata'
import { SharedTake } from '@/components/share/shared-take'
import { SimulatedAmounts } from '@/components/takes/simulated-amounts'
import { backendMode } from '@/lib/fal/backend'
import { endpointTitleOf, promptOf, truncate } from '@/components/takes/take-text'
import { TakeChain } from '@/components/chains/take-chain'
import { loadChainOf } from '@/lib/chains/load-chain'
import { catalogContinueChoices } from '@/lib/chains/catalog-choices'

export const dynamic = 'force-dynamic'

interface PageProps {
  params: Promise<{ id: string }>
}

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const take = await loadOwnTake((await params).id)
  if (!take) return { title: 'Take not found', robots: NOINDEX }
  const prompt = promptOf(take.input)
  const title = prompt ? truncate(prompt, 70) : `A take of ${endpointTitleOf(take.endpointId)}`
  const description = ownerDescription(take)
  return { title, description, robots: NOINDEX, openGraph: { type: 'video.other', siteName: 'Takes', title, description }, twitter: { card: 'summary', title, description } }
}

/** A take's own page, for its owner (signing in is required): the take, Remix, and its share link. */
export default async function TakePage({ params }: PageProps) {
  const take = await loadOwnTake((await params).id)
  if (!take) notFound()
  const [shareUrl, chain] = await Promise.all([publicOrigin().then((origin) => (take.sharePath ? absoluteUrl(origin, take.sharePath) : null)), loadChainOf(take.id)])
  return (
    <SimulatedAmounts simulated={backendMode() === 'local'}>
      <SharedTake take={take} owner={{ shareUrl }} />
      <TakeChain take={take} chain={chain} choices={catalogContinueChoices()} />
    </SimulatedAmounts>
  )
}
