import type { Metadata } from 'next'
import { parseCompareIds } from '@/lib/takes/compare'
import { CompareCell } from '@/components/compare/compare-cell'
import { CompareDiffTable } from '@/components/compare/compare-diff-table'
import { CompareNotice } from '@/components/compare/compare-notice'
import { differingParametersOf, loadComparedTakes } from '@/lib/takes/load-compared-takes'
import { SyncGroup } from '@/components/compare/sync-group'

export const dynamic = 'force-dynamic'

export const metadata: Metadata = { title: 'Compare takes' }

const GRID: Record<number, string> = { 2: 'sm:grid-cols-2', 3: 'sm:grid-cols-2 lg:grid-cols-3', 4: 'sm:grid-cols-2 xl:grid-cols-4' }

async function CompareBody({ ids }: { ids: string | string[] | undefined }) {
  const parsed = parseCompareIds(ids)
  if (!parsed.ok) return <CompareNotice title="Nothing to compare">{parsed.reason}</CompareNotice>
  const { takes, missing } = await loadComparedTakes(parsed.ids)
  if (missing.length > 0) {
    return (
      <CompareNotice title={missing.length === 1 ? 'A take is missing' : 'Some takes are missing'}>
        No take has the id{missing.length === 1 ? '' : 's'} <span className="font-mono text-white">{missing.join(', ')}</span>: it may have been deleted.
      </CompareNotice>
    )
  }
  return (
    <div className="space-y-6">
      <SyncGroup className={`grid grid-cols-1 gap-4 ${GRID[takes.length]}`}>
        {takes.map((take, index) => (
          <CompareCell key={take.id} take={take} index={index} />
        ))}
      </SyncGroup>
      <CompareDiffTable rows={differingParametersOf(takes)} takeCount={takes.length} />
    </div>
  )
}

/** Two to four takes side by side, played in sync, with the parameters that differ. */
export default async function ComparePage({ searchParams }: { searchParams: Promise<{ ids?: string | string[] }> }) {
  const { ids } = await searchParams
  return (
    <>
      <header className="mb-6">
        <h1 className="text-2xl font-semibold tracking-tight">Compare takes</h1>
        <p className="mt-1 text-muted">Side by side, played together, with only the parameters that differ.</p>
      </header>
      <CompareBody ids={ids} />
    </>
  )
}
