'use client'
import { CopyButton } from '@/components/ui/copy-button'

/** The finished take's own page (shareable by link) and the history. */
export function TakeLinks({ takeId }: { takeId: string }) {
  const path = `/t/${takeId}`
  return (
    <div className="mt-3 flex flex-wrap items-center gap-3 border-t border-line pt-3 text-sm">
      <a href={path} className="text-accent underline-offset-2 hover:underline" data-testid="take-page-link">
        Take page
      </a>
      <CopyButton label="Copy share link" text={() => new URL(path, window.location.origin).toString()} />
      <a href="/takes" className="text-muted underline-offset-2 hover:underline">
        History
      </a>
    </div>
  )
}
