'use client'
import { useRouter } from 'next/navigation'
import { useState, useTransition } from 'react'
import { Button } from '@/components/ui/button'
import { CopyButton } from '@/components/ui/copy-button'

interface TakeCardActionsProps {
  id: string
  /** The absolute address of the take's share page. */
  shareUrl: string
  shareEnabled: boolean
}

type Action = { method: 'DELETE' | 'PUT'; path: string; failure: string }

/** Copy link, revoke or enable the link, delete: each asks the API, then re-renders the page. */
export function TakeCardActions({ id, shareUrl, shareEnabled }: TakeCardActionsProps) {
  const router = useRouter()
  const [busy, setBusy] = useState(false)
  const [refreshing, startTransition] = useTransition()
  const [error, setError] = useState<string | null>(null)
  const take = `/api/takes/${encodeURIComponent(id)}`

  async function perform({ method, path, failure }: Action) {
    setBusy(true)
    setError(null)
    try {
      const response = await fetch(path, { method }).catch(() => null)
      // 404: the take is gone already; the refresh shows that.
      if (!response || (!response.ok && response.status !== 404)) return setError(failure)
      startTransition(() => router.refresh())
    } finally {
      setBusy(false)
    }
  }

  function remove() {
    if (!window.confirm('Delete this take? Its video and its share link go too. This cannot be undone.')) return
    void perform({ method: 'DELETE', path: take, failure: 'The take could not be deleted. Try again.' })
  }

  const disabled = busy || refreshing
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap items-start gap-2">
        {shareEnabled ? (
          <>
            <CopyButton label="Copy link" text={() => shareUrl} />
            <Button size="sm" variant="ghost" disabled={disabled} onClick={() => void perform({ method: 'DELETE', path: `${take}/share`, failure: 'The link could not be revoked. Try again.' })}>
              Revoke link
            </Button>
          </>
        ) : (
          <Button size="sm" disabled={disabled} onClick={() => void perform({ method: 'PUT', path: `${take}/share`, failure: 'The link could not be enabled. Try again.' })}>
            Enable link
          </Button>
        )}
        <Button size="sm" variant="danger" className="ml-auto" disabled={disabled} onClick={remove}>
          Delete
        </Button>
      </div>
      {error && (
        <p role="alert" className="text-xs text-danger">
          {error}
        </p>
      )}
    </div>
  )
}
