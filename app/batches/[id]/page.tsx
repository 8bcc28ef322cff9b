import type { Metadata } from 'next'
import { notFound, redirect } from 'next/navigation'
import { cache } from 'react'
import { sweepPath } from '@/lib/sweeps/sweep-view'
import { fieldLabelsOf } from '@/lib/sweeps/field-labels'
import { loadSweepView } from '@/lib/sweeps/load-sweep'
import { endpointTitleOf } from '@/components/takes/take-text'
import { SweepFacts } from '@/components/sweep-grid/sweep-facts'
import { SweepLive } from '@/components/sweep-grid/sweep-live'
import { takeCountText } from '@/components/sweep-grid/sweep-text'

export const dynamic = 'force-dynamic'

interface PageProps {
  params: Promise<{ id: string }>
}

// Metadata and page both need the batch: load it once per request.
const loadBatch = cache(loadSweepView)

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const batch = await loadBatch((await params).id)
  return { title: batch ? `Batch · ${endpointTitleOf(batch.endpointId)}` : 'Batch not found' }
}

/** A batch's takes, one per row, updated live while the server runs them; Stop and "Download all". */
export default async function BatchPage({ params }: PageProps) {
  const batch = await loadBatch((await params).id)
  if (!batch) notFound()
  if (batch.kind !== 'batch') redirect(sweepPath(batch.id))
  const labels = fieldLabelsOf(batch)
  const endpointTitle = endpointTitleOf(batch.endpointId)
  const caption = `Batch of ${endpointTitle}: ${takeCountText(batch.cells.length)}`
  return <SweepLive initial={batch} labels={labels} caption={caption} facts={<SweepFacts sweep={batch} labels={labels} endpointTitle={endpointTitle} />} />
}
