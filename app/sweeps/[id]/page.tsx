import type { Metadata } from 'next'
import { notFound, redirect } from 'next/navigation'
import { cache } from 'react'
import { sweepSize } from '@/lib/sweeps/sweep-plan'
import { batchPath } from '@/lib/sweeps/sweep-view'
import { fieldLabelsOf } from '@/lib/sweeps/field-labels'
import { loadSweepView } from '@/lib/sweeps/load-sweep'
import { endpointTitleOf } from '@/components/takes/take-text'
import { SweepFacts } from '@/components/sweep-grid/sweep-facts'
import { SweepLive } from '@/components/sweep-grid/sweep-live'
import { sweptFieldsText, takeCountText } from '@/components/sweep-grid/sweep-text'

export const dynamic = 'force-dynamic'

interface PageProps {
  params: Promise<{ id: string }>
}

// Metadata and page both need the sweep: load it once per request.
const loadSweep = cache(loadSweepView)

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const sweep = await loadSweep((await params).id)
  return { title: sweep ? `Sweep · ${endpointTitleOf(sweep.endpointId)}` : 'Sweep not found' }
}

/** A sweep's takes in a grid, one axis down and one across, updated while they run. */
export default async function SweepPage({ params }: PageProps) {
  const sweep = await loadSweep((await params).id)
  if (!sweep) notFound()
  if (sweep.kind === 'batch') redirect(batchPath(sweep.id))
  const labels = fieldLabelsOf(sweep)
  const endpointTitle = endpointTitleOf(sweep.endpointId)
  const caption = `Sweep of ${endpointTitle} over ${sweptFieldsText(labels, sweep.axes)}: ${takeCountText(sweepSize(sweep.axes))}`
  return <SweepLive initial={sweep} labels={labels} caption={caption} facts={<SweepFacts sweep={sweep} labels={labels} endpointTitle={endpointTitle} />} />
}
