import clsx from 'clsx'
import type { TakeStatusName } from '@/lib/takes/take-view'

/** The same words the playground's status line uses. */
const STATUSES: Record<TakeStatusName, { label: string; tone: string }> = {
  IN_QUEUE: { label: 'In queue', tone: 'border-amber-500/40 text-amber-300' },
  IN_PROGRESS: { label: 'In progress', tone: 'border-accent/50 text-accent' },
  COMPLETED: { label: 'Completed', tone: 'border-emerald-500/40 text-emerald-400' },
  FAILED: { label: 'Failed', tone: 'border-danger/50 text-danger' },
  CANCELLED: { label: 'Cancelled', tone: 'border-line text-muted' },
}

export function statusLabel(status: TakeStatusName): string {
  return STATUSES[status].label
}

/** A take's status as a small pill. */
export function StatusBadge({ status, className }: { status: TakeStatusName; className?: string }) {
  const { label, tone } = STATUSES[status]
  return (
    <span data-testid="take-status-badge" className={clsx('inline-block rounded-full border bg-ink/80 px-2 py-0.5 text-xs font-medium', tone, className)}>
      {label}
    </span>
  )
}
