'use client'
import type { ReactNode } from 'react'
import { sweepIsLive, type SweepView } from '@/lib/sweeps/sweep-view'
import { formatUsd } from '@/lib/pricing/estimate'
import { SyncGroup } from '@/components/compare/sync-group'
import { CompareSelection } from '@/components/history/compare-selection'
import { StopSweepButton } from './stop-sweep-button'
import { SweepTable } from './sweep-table'
import { finishedCount, SWEEP_STATUS_TEXT, type FieldLabels } from './sweep-text'
import { useLiveView } from '@/components/live/use-event-stream'

interface SweepLiveProps {
  initial: SweepView
  labels: FieldLabels
  /** The table's caption, describing the sweep for screen readers. */
  caption: string
  /** The header's fixed part (title and settings), rendered on the server. */
  facts: ReactNode
}

/** The sweep page's live part: the header's status, the stop button and the grid, kept up to date by the sweep's event stream. */
export function SweepLive({ initial, labels, caption, facts }: SweepLiveProps) {
  const live = sweepIsLive(initial) || initial.cells.some((cell) => cell.take?.copyStatus === 'pending')
  const { view: sweep, reconnecting } = useLiveView(live ? `/api/sweeps/${encodeURIComponent(initial.id)}/events` : null, initial)
  const withVideo = sweep.cells.flatMap((cell) => (cell.take?.status === 'COMPLETED' && cell.take.videoUrl ? [cell.take.id] : []))

  return (
    <>
      <header className="mb-6 space-y-3">
        {facts}
        <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm" role="status">
          <span>
            Status: <strong data-testid="sweep-status">{SWEEP_STATUS_TEXT[sweep.status]}</strong>
          </span>
          <span data-testid="sweep-progress" className="text-muted">
            {finishedCount(sweep)} of {sweep.cells.length} finished
          </span>
          {reconnecting && (
            <span data-testid="sweep-reconnecting" className="text-xs text-amber-300">
              Reconnecting…
            </span>
          )}
        </p>
        {sweep.status === 'RUNNING' && <StopSweepButton id={sweep.id} />}
        {sweep.status === 'STOPPED' && sweep.savedUsd !== null && (
          <p data-testid="sweep-saved" className="text-sm text-muted">
            Stopping saved about {formatUsd(sweep.savedUsd)}: {sweep.cells.filter((cell) => !cell.submitted).length} not submitted,{' '}
            {sweep.cells.filter((cell) => cell.take?.status === 'CANCELLED').length} cancelled.
          </p>
        )}
      </header>
      <CompareSelection>
        <SyncGroup className="overflow-x-auto" scrollLabel="Sweep grid" syncKey={withVideo.join(',')}>
          <SweepTable sweep={sweep} labels={labels} caption={caption} />
        </SyncGroup>
      </CompareSelection>
    </>
  )
}
