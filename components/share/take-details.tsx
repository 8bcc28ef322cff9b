import type { ReactNode } from 'react'
import type { TakeView } from '@/lib/takes/take-view'
import { formatSeconds } from '@/components/takes/format'
import { absoluteTime } from '@/components/takes/display-format'
import { CopyStatusNote } from '@/components/takes/copy-status-note'
import { TakeCostFacts } from '@/components/takes/take-cost'
import { seedUsedBy } from '@/lib/takes/seed-used'

function seconds(from: string | null, to: string | null): string {
  return from && to ? formatSeconds(Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000)) : '—'
}

function Facts({ title, rows }: { title: string; rows: [string, ReactNode][] }) {
  return (
    <section aria-label={title} className="rounded-lg border border-line bg-panel p-4">
      <h2 className="text-sm font-medium">{title}</h2>
      <dl className="mt-2 grid grid-cols-2 gap-x-3 gap-y-2 text-sm">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt className="text-xs text-muted">{label}</dt>
            <dd className="font-mono">{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  )
}

/** What the take cost (estimated before, billed after), how long it took, and the seed it ran with. */
export function TakeDetails({ take }: { take: TakeView }) {
  const seed = seedUsedBy(take)
  return (
    <>
      <CopyStatusNote status={take.copyStatus} error={take.copyError} />
      <TakeCostFacts take={take} />
      <Facts
        title="Timing"
        rows={[
          ['Created', <time key="created" dateTime={take.createdAt}>{absoluteTime(take.createdAt)}</time>],
          ['Queued for', seconds(take.createdAt, take.startedAt)],
          ['Inference', take.inferenceTime === null ? '—' : formatSeconds(take.inferenceTime)],
          ['Total', seconds(take.createdAt, take.completedAt)],
        ]}
      />
      {seed !== undefined && <Facts title="Generation" rows={[['Seed', <span key="seed" data-testid="take-seed">{String(seed)}</span>]]} />}
    </>
  )
}
