import type { ReactNode } from 'react'
import type { TakeView } from '@/lib/takes/take-view'
import { formatSeconds } from '@/components/takes/format'
import { LocalTime } from '@/components/takes/local-time'
import { CopyStatusNote } from '@/components/takes/copy-status-note'
import { TakeCostFacts } from '@/components/takes/take-cost'
import { seedUsedBy } from '@/lib/takes/seed-used'
import { outputFactsOf } from './output-facts'

function seconds(from: string | null, to: string | null): string {
  return from && to ? formatSeconds(Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000)) : '—'
}

function Facts({ title, rows, testId }: { title: string; rows: [string, ReactNode][]; testId?: string }) {
  return (
    <section aria-label={title} data-testid={testId} className="rounded-lg border border-line bg-panel p-4">
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

/** The output video's length, picture, rate and file size, when its output states them. */
function OutputFactsSection({ output }: { output: unknown }) {
  const facts = outputFactsOf(output)
  const rows: [string, string | undefined][] = [
    ['Duration', facts.duration],
    ['Resolution', facts.resolution],
    ['Frame rate', facts.fps],
    ['Frames', facts.frames],
    ['File size', facts.size],
  ]
  if (rows.every(([, value]) => value === undefined)) return null
  return <Facts title="Output" testId="take-output-facts" rows={rows.map(([label, value]) => [label, value ?? '—'])} />
}

/** What the take made, what it cost (estimated before, billed after), how long it took, and the seed it ran with. */
export function TakeDetails({ take }: { take: TakeView }) {
  const seed = seedUsedBy(take)
  return (
    <>
      <CopyStatusNote status={take.copyStatus} error={take.copyError} />
      <OutputFactsSection output={take.output} />
      {seed !== undefined && <Facts title="Generation" rows={[['Seed', <span key="seed" data-testid="take-seed">{String(seed)}</span>]]} />}
      <TakeCostFacts take={take} />
      <Facts
        title="Timing"
        rows={[
          ['Created', <LocalTime key="created" iso={take.createdAt} />],
          ['Queued for', seconds(take.createdAt, take.startedAt)],
          ['Inference', take.inferenceTime === null ? '—' : formatSeconds(take.inferenceTime)],
          ['Total', seconds(take.createdAt, take.completedAt)],
        ]}
      />
    </>
  )
}
