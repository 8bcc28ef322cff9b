import Link from 'next/link'
import type { TakeView } from '@/lib/takes/take-view'
import { StatusBadge } from '@/components/takes/status-badge'
import { absoluteTime, relativeTime } from '@/components/takes/display-format'
import { TakeCostSummary } from '@/components/takes/take-cost'
import { endpointTitleOf, promptOf } from '@/components/takes/take-text'
import { absoluteUrl } from '@/lib/http/absolute-url'
import { takePath } from '@/components/share/share-path'
import { CompareCheckbox } from './compare-selection'
import { PreviewLink } from './preview-link'
import { TakeCardActions } from './take-card-actions'
import { sweepPath } from '@/lib/sweeps/sweep-view'

interface TakeCardProps {
  take: TakeView
  /** The studio's public origin, for the share link. */
  origin: string
  /** Epoch milliseconds the page was rendered at: "5 minutes ago" is relative to it. */
  now: number
}

/** One take in the history grid. Everything the user typed is rendered as text. */
export function TakeCard({ take, origin, now }: TakeCardProps) {
  const prompt = promptOf(take.input)
  const href = takePath(take.id)
  return (
    <article data-testid="take-card" data-take-id={take.id} className="flex h-full flex-col overflow-hidden rounded-lg border border-line bg-panel">
      <PreviewLink href={href} posterUrl={take.posterUrl} videoUrl={take.videoUrl} overlay={<StatusBadge status={take.status} />}>
        <div className="space-y-1 px-3 pt-3">
          <p className="truncate text-xs text-muted" data-testid="take-endpoint">
            {endpointTitleOf(take.endpointId)}
          </p>
          <p className="line-clamp-2 min-h-10 text-sm break-words group-hover:text-white" data-testid="take-prompt" title={prompt ?? undefined}>
            {prompt ?? <span className="italic text-muted">No prompt</span>}
          </p>
        </div>
      </PreviewLink>
      <div className="mt-auto space-y-2 p-3">
        <div className="flex items-start justify-between gap-2">
          <TakeCostSummary take={take} />
          <p className="shrink-0 text-xs text-muted">
            <span className="sr-only">Created </span>
            <time dateTime={take.createdAt} title={absoluteTime(take.createdAt)}>
              {relativeTime(take.createdAt, now)}
            </time>
          </p>
        </div>
        <div className="flex items-center justify-between gap-2">
          <CompareCheckbox id={take.id} />
          {take.sweepId && (
            <Link href={sweepPath(take.sweepId)} className="text-xs text-accent underline">
              Part of a sweep
            </Link>
          )}
        </div>
        <TakeCardActions id={take.id} shareUrl={take.sharePath ? absoluteUrl(origin, take.sharePath) : null} />
      </div>
    </article>
  )
}
