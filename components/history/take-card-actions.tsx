'use client'
import { useRouter } from 'next/navigation'
import { useState, useTransition } from 'react'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { ShareLinkControl } from '@/components/share/share-link-control'

interface TakeCardActionsProps {
  id: string
  /** The absolute address of the take's share page while it is shared; null while it is private. */
  shareUrl: string | null
}

/** Share (copy, revoke) and delete: each asks the API, then re-renders the page. */
export function TakeCardActions({ id, shareUrl }: TakeCardActionsProps) {
  const router = useRouter()
  const [busy, setBusy] = useState(false)
  const [refreshing, startTransition] = useTransition()
  const [error, setError] = useState<string | null>(null)

  async function remove() {
    setBusy(true)
    setError(null)
    try {
      const response = await fetch(`/api/takes/${encodeURIComponent(id)}`, { method: 'DELETE' }).catch(() => null)
      // 404: the take is gone already; the refresh shows that.
      if (!response || (!response.ok && response.status !== 404)) return setError('The take could not be deleted. Try again.')
      startTransition(() => router.refresh())
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="space-y-1">
      <div className="flex flex-wrap items-start gap-2">
        <ShareLinkControl id={id} shareUrl={shareUrl} />
        <ConfirmDialog
          trigger={
            <Button size="sm" variant="danger" className="ml-auto" disabled={busy || refreshing}>
              Delete
            </Button>
          }
          title="Delete this take?"
          description="Its video and its share link go too. This cannot be undone."
          confirmLabel="Delete take"
          destructive
          onConfirm={remove}
        />
      </div>
      {error && (
        <p role="alert" className="text-xs text-danger">
          {error}
        </p>
      )}
    </div>
  )
}
