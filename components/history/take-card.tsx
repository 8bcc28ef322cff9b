import Link from 'next/link'
import type { TakeView } from '@/lib/takes/take-view'
import { StatusBadge } from '@/components/takes/status-badge'
import { LocalTime } from '@/components/takes/local-time'
import { TakeCostSummary } from '@/components/takes/take-cost'
import { endpointTitleOf, promptOf, truncate } from '@/components/takes/take-text'
import { absoluteUrl } from '@/lib/http/absolute-url'
import { seedUsedBy } from '@/lib/takes/seed-used'
import { outputFactsOf } from '@/components/share/output-facts'
import { remixPath, takePath } from '@/components/share/share-path'
import { CompareCheckbox } from './compare-selection'
import { PreviewLink } from './preview-link'
import { TakeCardActions } from './take-card-actions'
import { sweepPath } from '@/lib/sweeps/sweep-view'
import { Popover } from '@/components/ui/popover'

interface TakeCardProps {
  take: TakeView
  /** The studio's public origin, for the share link. */
  origin: string
  /** Epoch milliseconds the page was rendered at: "5 minutes ago" is relative to it. */
  now: number
}

const smallLink = 'rounded border border-line px-1.5 py-0.5 text-xs hover:border-accent hover:text-white'

/** Why a failed take failed, in a line; "Why?" opens the whole message and fal's detail (by click, tap or keyboard). */
function FailureReason({ take }: { take: TakeView }) {
  if (take.status !== 'FAILED' || !take.error) return null
  const { message } = take.error
  const detail = take.error.kind === 'request' && take.error.detail && take.error.detail !== message ? take.error.detail : undefined
  return (
    <div className="flex items-start gap-2">
      <p data-testid="take-card-error" className="line-clamp-2 min-w-0 flex-1 text-xs wrap-anywhere text-danger">
        {truncate(message, 120)}
      </p>
      <Popover
        label="Why this take failed"
        trigger={
          <button type="button" className="shrink-0 text-xs text-muted underline hover:text-white" aria-label="Why this take failed">
            Why?
          </button>
        }
      >
        <p className="text-danger">{message}</p>
        {detail && <p className="mt-2 font-mono text-xs break-words text-muted">{detail}</p>}
      </Popover>
    </div>
  )
}

/** The output's length, size and seed, for comparing takes at a glance. */
function CardFacts({ take }: { take: TakeView }) {
  const facts = outputFactsOf(take.output)
  const seed = seedUsedBy(take)
  const rows: [string, string | undefined, string][] = [
    ['Duration', facts.duration, 'take-card-duration'],
    ['Size', facts.size, 'take-card-size'],
    ['Seed', seed === undefined ? undefined : String(seed), 'take-card-seed'],
  ]
  const shown = rows.filter((row): row is [string, string, string] => row[1] !== undefined)
  if (shown.length === 0) return null
  return (
    <dl className="flex flex-wrap gap-x-3 gap-y-1 text-xs">
      {shown.map(([label, value, testId]) => (
        <div key={label} className="flex gap-1">
          <dt className="text-muted">{label}</dt>
          <dd className="font-mono" data-testid={testId}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  )
}

/**
 * One take in the history grid: its picture and text are the one link to the take; every other
 * control is its own small target beside it. Everything the user typed is rendered as text.
 */
export function TakeCard({ take, origin, now }: TakeCardProps) {
  const prompt = promptOf(take.input)
  return (
    <article data-testid="take-card" data-take-id={take.id} className="flex h-full flex-col overflow-hidden rounded-lg border border-line bg-panel">
      <PreviewLink href={takePath(take.id)} posterUrl={take.posterUrl} videoUrl={take.videoUrl} overlay={<StatusBadge status={take.status} />}>
        <div className="space-y-1 px-3 pt-3">
          <p className="truncate text-xs text-muted" data-testid="take-endpoint">
            {endpointTitleOf(take.endpointId)}
          </p>
          <p className="line-clamp-2 min-h-10 text-sm wrap-anywhere group-hover:text-white" data-testid="take-prompt" title={prompt ?? undefined}>
            {prompt ?? <span className="italic text-muted">No prompt</span>}
          </p>
        </div>
      </PreviewLink>
      <div className="mt-auto space-y-2 p-3">
        <FailureReason take={take} />
        <CardFacts take={take} />
        <div className="flex items-start justify-between gap-2">
          <TakeCostSummary take={take} />
          <p className="shrink-0 text-xs text-muted">
            <span className="sr-only">Created </span>
            <LocalTime iso={take.createdAt} relativeTo={now} />
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <CompareCheckbox id={take.id} />
          {take.sweepId && (
            <Link href={sweepPath(take.sweepId)} className="text-xs text-accent underline">
              Part of a sweep
            </Link>
          )}
          <Link href={remixPath(take.endpointId, take.id)} prefetch={false} className={`${smallLink} ml-auto`} aria-label={`Remix: ${prompt ? truncate(prompt, 40) : endpointTitleOf(take.endpointId)}`}>
            Remix
          </Link>
        </div>
        <TakeCardActions id={take.id} shareUrl={take.sharePath ? absoluteUrl(origin, take.sharePath) : null} />
      </div>
    </article>
  )
}
