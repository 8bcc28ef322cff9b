'use client'
import type { ReactNode } from 'react'
import { sweepIsLive, sweepZipPath, type SweepView } from '@/lib/sweeps/sweep-view'
import { formatUsd } from '@/lib/pricing/estimate'
import { SyncGroup } from '@/components/compare/sync-group'
import { CompareSelection } from '@/components/history/compare-selection'
import { StopSweepButton } from './stop-sweep-button'
import { SweepTable } from './sweep-table'
import { BatchList } from '@/components/batch/batch-list'
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

/**
 * The sweep (or batch) page's live part: the header's status, the stop button, "Download all" and the
 * grid (a batch: the list of rows), kept up to date by the sweep's event stream.
 */
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
        {sweep.status === 'RUNNING' && <StopSweepButton id={sweep.id} noun={sweep.kind} />}
        {sweep.status === 'STOPPED' && sweep.savedUsd !== null && (
          <p data-testid="sweep-saved" className="text-sm text-muted">
            Stopping saved about {formatUsd(sweep.savedUsd)}: {sweep.cells.filter((cell) => !cell.submitted).length} not submitted,{' '}
            {sweep.cells.filter((cell) => cell.take?.status === 'CANCELLED').length} cancelled.
          </p>
        )}
        {withVideo.length > 0 && (
          <p className="text-sm">
            <a href={sweepZipPath(sweep.id)} download data-testid="sweep-download" className="text-accent underline">
              Download all
            </a>{' '}
            <span className="text-xs text-muted">
              ({withVideo.length} video{withVideo.length === 1 ? '' : 's'} so far, and a CSV of every take&apos;s parameters, as a zip)
            </span>
          </p>
        )}
      </header>
      <CompareSelection>
        <SyncGroup className="overflow-x-auto" scrollLabel="Sweep grid" syncKey={withVideo.join(',')}>
          {sweep.kind === 'batch' ? <BatchList batch={sweep} labels={labels} /> : <SweepTable sweep={sweep} labels={labels} caption={caption} />}
        </SyncGroup>
      </CompareSelection>
    </>
  )
}
