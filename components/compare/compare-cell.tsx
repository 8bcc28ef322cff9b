import Link from 'next/link'
import type { TakeView } from '@/lib/takes/take-view'
import { FINISHED_STATUSES } from '@/lib/takes/take-status'
import { StatusBadge } from '@/components/takes/status-badge'
import { usdOrDash } from '@/components/takes/display-format'
import { SimulatedTag } from '@/components/takes/simulated-amounts'
import { endpointTitleOf, promptOf } from '@/components/takes/take-text'
import { takePath } from '@/components/share/share-path'
import { SyncedVideo } from '@/components/compare/synced-video'

/** One compared take: its player (muted, so it may play with the others), status, model, prompt, cost. */
export function CompareCell({ take, index }: { take: TakeView; index: number }) {
  const prompt = promptOf(take.input)
  const href = takePath(take.id)
  return (
    <article data-testid="compare-cell" data-take-id={take.id} className="flex min-w-0 flex-col gap-2 rounded-lg border border-line bg-panel p-3">
      {take.videoUrl ? (
        <SyncedVideo src={take.videoUrl} poster={take.posterUrl} label={`Take ${index + 1} video`} testId="compare-video" />
      ) : (
        <div className="grid aspect-video place-items-center rounded border border-line text-center text-xs text-muted">
          {FINISHED_STATUSES.has(take.status) ? 'This take has no video.' : 'Not finished yet.'}
        </div>
      )}
      <div className="flex items-center justify-between gap-2">
        <span className="text-xs font-medium text-muted">Take {index + 1}</span>
        <StatusBadge status={take.status} />
      </div>
      <p className="truncate text-xs text-muted" data-testid="compare-endpoint" title={take.endpointId}>
        {endpointTitleOf(take.endpointId)}
      </p>
      <p className="line-clamp-3 text-sm wrap-anywhere" data-testid="compare-prompt" title={prompt ?? undefined}>
        {prompt ?? <span className="italic text-muted">No prompt</span>}
      </p>
      <dl className="mt-auto flex flex-wrap gap-x-4 text-xs">
        <div className="flex gap-1">
          <dt className="text-muted">Estimate</dt>
          <dd className="font-mono">{usdOrDash(take.estimateUsd)}</dd>
        </div>
        <div className="flex gap-1">
          <dt className="text-muted">Billed</dt>
          <dd className="font-mono">{usdOrDash(take.billedUsd)}</dd>
        </div>
      </dl>
      <SimulatedTag className="self-start" />
      <Link href={href} className="text-xs text-accent underline">
        Open take
      </Link>
    </article>
  )
}
