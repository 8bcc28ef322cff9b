import type { TakeView } from '@/lib/takes/take-view'

/** Says when the video plays from fal because the studio has no copy of its own yet (or gave up). */
export function CopyStatusNote({ status, error }: { status: TakeView['copyStatus']; error?: string | null }) {
  if (status === 'pending') {
    return (
      <p data-testid="copy-status" data-copy-status="pending" role="status" className="text-xs text-amber-300">
        Copy pending: the studio is still making its own copy of this video and retries until it has one. Meanwhile
        it plays from fal, whose link expires.
      </p>
    )
  }
  if (status === 'failed') {
    return (
      <p data-testid="copy-status" data-copy-status="failed" role="status" className="text-xs text-danger">
        Copy failed: the studio could not keep its own copy of this video{error ? ` (${error})` : ''}. It plays from
        fal, whose link expires: download it to keep it.
      </p>
    )
  }
  return null
}
