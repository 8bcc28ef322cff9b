import clsx from 'clsx'
import type { TakeStatus } from '@/lib/takes/take-status'

/** How each status reads, everywhere a take's status shows (the playground's line, badges, history). */
export const STATUS_TEXT: Record<TakeStatus, { label: string; text: string; border: string }> = {
  IN_QUEUE: { label: 'In queue', text: 'text-amber-300', border: 'border-amber-500/40' },
  IN_PROGRESS: { label: 'In progress', text: 'text-accent', border: 'border-accent/50' },
  COMPLETED: { label: 'Completed', text: 'text-emerald-400', border: 'border-emerald-500/40' },
  FAILED: { label: 'Failed', text: 'text-danger', border: 'border-danger/50' },
  CANCELLED: { label: 'Cancelled', text: 'text-muted', border: 'border-line' },
}

export function statusLabel(status: TakeStatus): string {
  return STATUS_TEXT[status].label
}

/** A take's status as a small pill. */
export function StatusBadge({ status, className }: { status: TakeStatus; className?: string }) {
  const { label, text, border } = STATUS_TEXT[status]
  return (
    <span data-testid="take-status-badge" className={clsx('inline-block rounded-full border bg-ink/80 px-2 py-0.5 text-xs font-medium', text, border, className)}>
      {label}
    </span>
  )
}
