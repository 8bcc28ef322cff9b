import Link from 'next/link'
import type { ReactNode } from 'react'
import { formatUsd } from '@/lib/pricing/estimate'
import { EXPANSION_FIELD, SEED_FIELD } from '@/lib/sweeps/sweep-plan'
import type { SweepView } from '@/lib/sweeps/sweep-view'
import { absoluteTime } from '@/components/takes/display-format'
import { sweptFieldsText, takeCountText, type FieldLabels } from './sweep-text'

/** "Seed 12345 (shared)", "Seeds from 12345, one per take", or null when no seed applies (none, or the seed is swept). */
function seedText(sweep: SweepView): string | null {
  if (sweep.seed === null || sweep.axes.some((axis) => axis.field === SEED_FIELD)) return null
  return sweep.varySeed ? `Seeds from ${sweep.seed}, one per take` : `Seed ${sweep.seed} (shared)`
}

/** One setting; `hideTerm` when the value already says what it is ("6 takes"), keeping the term for screen readers. */
function Fact({ term, testId, hideTerm, children }: { term: string; testId?: string; hideTerm?: boolean; children: ReactNode }) {
  return (
    <div className="flex gap-1.5">
      <dt className={hideTerm ? 'sr-only' : 'text-muted'}>{term}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  )
}

/** The header's fixed part: what was swept (or that a batch runs its rows), on which model, how many takes, at what estimate. */
export function SweepFacts({ sweep, labels, endpointTitle }: { sweep: SweepView; labels: FieldLabels; endpointTitle: string }) {
  const seed = seedText(sweep)
  return (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight">{sweep.kind === 'batch' ? 'Batch' : 'Sweep'}</h1>
      <p className="mt-1 text-muted">
        <Link href={`/models/${sweep.endpointId}`} data-testid="sweep-endpoint" className="text-accent underline">
          {endpointTitle}
        </Link>
        {' · '}
        <span data-testid="sweep-fields" className="text-white">
          {sweep.kind === 'batch' ? 'one take per row' : sweptFieldsText(labels, sweep.axes)}
        </span>
      </p>
      <dl className="mt-3 flex flex-wrap gap-x-6 gap-y-1 text-sm">
        <Fact term="Takes" testId="sweep-count" hideTerm>
          {takeCountText(sweep.cells.length)}
        </Fact>
        <Fact term="Estimate" testId="sweep-total">
          <span className="font-mono">{formatUsd(sweep.estimateUsd)}</span>
        </Fact>
        {seed && (
          <Fact term="Seed" testId="sweep-seed" hideTerm>
            {seed}
          </Fact>
        )}
        <Fact term="Concurrency" testId="sweep-concurrency" hideTerm>
          {sweep.concurrency} at a time
        </Fact>
        {sweep.input[EXPANSION_FIELD] === false && (
          <Fact term="Prompt expansion" testId="sweep-expansion">
            pinned off
          </Fact>
        )}
        <Fact term="Started">{absoluteTime(sweep.createdAt)}</Fact>
      </dl>
    </div>
  )
}
