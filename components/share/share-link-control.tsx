'use client'
import { useRouter } from 'next/navigation'
import { useState, useTransition } from 'react'
import { Button } from '@/components/ui/button'
import { ConfirmDialog } from '@/components/ui/confirm-dialog'
import { CopyButton } from '@/components/ui/copy-button'

interface ShareLinkControlProps {
  id: string
  /** The absolute address of the take's share page while it is shared; null while it is private. */
  shareUrl: string | null
  /** Show the link itself (the take's page), not only the button that copies it (a card). */
  showUrl?: boolean
}

/**
 * A take is private until its owner shares it. Share mints a link; Copy link copies it; Revoke kills
 * it for good (the page, its JSON and its media answer 404 to anyone signed out, and sharing again
 * mints a new link).
 */
export function ShareLinkControl({ id, shareUrl, showUrl = false }: ShareLinkControlProps) {
  const router = useRouter()
  const [busy, setBusy] = useState(false)
  const [refreshing, startTransition] = useTransition()
  const [error, setError] = useState<string | null>(null)

  async function setShared(shared: boolean) {
    setBusy(true)
    setError(null)
    try {
      const response = await fetch(`/api/takes/${encodeURIComponent(id)}/share`, { method: shared ? 'PUT' : 'DELETE' }).catch(() => null)
      if (!response || (!response.ok && response.status !== 404)) return setError(shared ? 'The link could not be made. Try again.' : 'The link could not be revoked. Try again.')
      startTransition(() => router.refresh())
    } finally {
      setBusy(false)
    }
  }

  const disabled = busy || refreshing
  return (
    <div className="space-y-1" data-testid="share-control">
      <div className="flex flex-wrap items-center gap-2">
        {shareUrl ? (
          <>
            {showUrl && (
              <input
                readOnly
                value={shareUrl}
                aria-label="Share link"
                data-testid="share-url"
                onFocus={(event) => event.target.select()}
                className="min-w-0 flex-1 basis-64 rounded-md border border-line bg-ink px-2 py-1 font-mono text-xs"
              />
            )}
            <CopyButton label="Copy link" text={() => shareUrl} />
            <ConfirmDialog
              trigger={
                <Button size="sm" variant="ghost" disabled={disabled}>
                  Revoke link
                </Button>
              }
              title="Revoke the share link?"
              description="Whoever has the link loses the take, its video and its poster at once. Sharing again makes a new link; this one stays dead."
              confirmLabel="Revoke link"
              destructive
              onConfirm={() => setShared(false)}
            />
          </>
        ) : (
          <>
            <span className="text-xs text-muted" data-testid="take-private">
              Private
            </span>
            <Button size="sm" disabled={disabled} onClick={() => void setShared(true)}>
              Share
            </Button>
          </>
        )}
      </div>
      {error && (
        <p role="alert" className="text-xs text-danger">
          {error}
        </p>
      )}
    </div>
  )
}
