import { useId } from 'react'
import { Button } from '@/components/ui/button'
import { formatUsd } from '@/lib/pricing/estimate'
import { takesText } from './sweep-summary'

interface SweepConfirmProps {
  count: number
  totalUsd: number
  busy: boolean
  onConfirm: () => void
  onCancel: () => void
}

/** The in-page question before a sweep that costs more than the confirmation threshold. */
export function SweepConfirm({ count, totalUsd, busy, onConfirm, onCancel }: SweepConfirmProps) {
  const id = useId()
  return (
    <div
      role="alertdialog"
      aria-labelledby={`${id}-question`}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return
        event.stopPropagation()
        onCancel()
      }}
      className="grid gap-2 rounded border border-amber-500/40 bg-amber-500/10 p-3 text-sm"
    >
      <p id={`${id}-question`}>
        Run {takesText(count)} for about {formatUsd(totalUsd)}?
      </p>
      <div className="flex gap-2">
        <Button variant="primary" autoFocus disabled={busy} onClick={onConfirm}>
          Run {takesText(count)}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </div>
  )
}
