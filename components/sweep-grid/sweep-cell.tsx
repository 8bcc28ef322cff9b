'use client'
import Link from 'next/link'
import type { SweepCellTake } from '@/lib/sweeps/sweep-view'
import { CompareCheckbox } from '@/components/history/compare-selection'
import { StatusBadge } from '@/components/takes/status-badge'
import { usdOrDash } from '@/components/takes/display-format'
import { SimulatedTag } from '@/components/takes/simulated-amounts'
import { takePath } from '@/components/share/share-path'
import { SyncedVideo } from '@/components/compare/synced-video'

/** What the cell shows in place of a player: its take's progress, or why it has no video. */
function TakeState({ take }: { take: SweepCellTake }) {
  return (
    <div className="grid aspect-video place-items-center content-center gap-1 rounded border border-line p-2 text-center text-xs text-muted">
      <StatusBadge status={take.status} />
      {take.status === 'IN_QUEUE' && take.queuePosition !== null && <span data-testid="sweep-queue-position">Queue position {take.queuePosition}</span>}
      {(take.status === 'FAILED' || take.status === 'CANCELLED') && take.error?.message && (
        <span data-testid="sweep-cell-error" className="line-clamp-3 break-words text-danger">
          {take.error.message}
        </span>
      )}
      {take.status === 'COMPLETED' && <span>This take has no video.</span>}
    </div>
  )
}

/** One cell of the grid: its take's player or status, the take's cost, a link to it and its "Compare" checkbox. */
interface SweepCellProps {
  index: number
  take: SweepCellTake | null
  submitted: boolean
  /** The sweep was stopped: cells not submitted by then never will be. */
  stopped: boolean
  /** The sweep still submits: a cell it has just taken up has no take recorded yet. */
  running: boolean
  valuesText: string
}

/** What an empty cell says: waiting its turn, being submitted, skipped by a stop, or its take deleted since. */
function emptyCellState(submitted: boolean, stopped: boolean, running: boolean): { status: string; text: string } {
  if (submitted) return running ? { status: 'SUBMITTING', text: 'Submitting…' } : { status: 'GONE', text: 'Take deleted' }
  return stopped ? { status: 'SKIPPED', text: 'Not run: the sweep was stopped' } : { status: 'WAITING', text: 'Waiting' }
}

export function SweepCell({ index, take, submitted, stopped, running, valuesText }: SweepCellProps) {
  if (!take) {
    const { status, text } = emptyCellState(submitted, stopped, running)
    return (
      <div data-testid="sweep-cell" data-index={index} data-status={status} className="grid aspect-video place-items-center rounded border border-dashed border-line p-2 text-center text-xs text-muted">
        {text}
      </div>
    )
  }
  const href = takePath(take.id)
  return (
    <div data-testid="sweep-cell" data-index={index} data-take-id={take.id} data-status={take.status} className="flex min-w-0 flex-col gap-1.5">
      {take.status === 'COMPLETED' && take.videoUrl ? (
        <SyncedVideo src={take.videoUrl} poster={take.posterUrl} label={valuesText} testId="sweep-video" />
      ) : (
        <TakeState take={take} />
      )}
      <p data-testid="sweep-cell-cost" className="text-xs text-muted">
        Estimate {usdOrDash(take.estimateUsd)}
        {take.billedUsd !== null && <> · Billed {usdOrDash(take.billedUsd)}</>} <SimulatedTag />
      </p>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <Link href={href} className="text-xs text-accent underline" aria-label={`Open take (${valuesText})`}>
          Open take
        </Link>
        <CompareCheckbox id={take.id} />
      </div>
    </div>
  )
}
