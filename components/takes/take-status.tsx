'use client'
import clsx from 'clsx'
import type { TakeProgress } from '@/lib/takes/take-progress'
import { STATUS_TEXT } from './status-badge'
import { Button } from '@/components/ui/button'
import { Elapsed } from './elapsed'
import { formatSeconds } from './format'
import { TakeErrorMessage } from './take-error'

const SUBMITTING = { label: 'Submitting', text: 'text-muted' }

interface TakeStatusProps {
  take: TakeProgress
  onCancel: () => void
  onRetry: () => void
  cancelError: string | null
}

/** Where a take stands: status, queue position, elapsed and inference time, and what went wrong. */
export function TakeStatus({ take, onCancel, onRetry, cancelError }: TakeStatusProps) {
  const shown = take.status === 'SUBMITTING' ? SUBMITTING : STATUS_TEXT[take.status]
  const error = take.error
  return (
    <div className="space-y-2 text-sm">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span data-testid="take-status" className={clsx('font-medium', shown.text)}>
          {shown.label}
        </span>
        {take.status === 'IN_QUEUE' && take.queuePosition !== undefined && (
          <span data-testid="queue-position">
            Position {take.queuePosition} ({take.queuePosition === 0 ? 'next to start' : `${take.queuePosition} ahead`})
          </span>
        )}
        <span className="text-muted">
          Elapsed <Elapsed from={take.submittedAt} to={take.finishedAt} />
        </span>
        {take.inferenceTime !== undefined && (
          <span className="text-muted" data-testid="inference-time">
            Inference {formatSeconds(take.inferenceTime)}
          </span>
        )}
        {take.following === 'polling' && take.finishedAt === undefined && (
          <span className="text-xs text-muted">Connection dropped — following by polling</span>
        )}
        {(take.status === 'IN_QUEUE' || take.status === 'IN_PROGRESS') && take.takeId && !take.cancelling && (
          <Button size="sm" onClick={onCancel} data-testid="take-cancel">
            Cancel
          </Button>
        )}
        {take.cancelling && (
          <span data-testid="take-cancelling" className="text-xs text-muted">
            Cancelling…
          </span>
        )}
      </div>
      {take.requestId && <p className="font-mono text-xs text-muted">Request {take.requestId}</p>}
      {cancelError && <p className="text-danger">{cancelError}</p>}
      {error && take.status !== 'CANCELLED' && (
        <TakeErrorMessage error={error}>
          {error.kind === 'request' && (
            <>
              <p className="mt-1 text-muted">
                {error.retryable ? 'Trying again may work.' : 'Trying again will not help until the cause is fixed.'}
              </p>
              {error.retryable && (
                <Button size="sm" className="mt-2" onClick={onRetry}>
                  Retry
                </Button>
              )}
            </>
          )}
        </TakeErrorMessage>
      )}
    </div>
  )
}
