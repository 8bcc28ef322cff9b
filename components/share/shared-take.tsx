import Link from 'next/link'
import { FINISHED_STATUSES, type TakeView } from '@/lib/takes/take-view'
import { StatusBadge } from '@/components/takes/status-badge'
import { endpointTitleOf, promptOf } from '@/components/takes/take-text'
import { remixPath } from './share-path'
import { ShareLinkControl } from './share-link-control'
import { TakeDetails } from './take-details'
import { TakeErrorMessage } from '@/components/takes/take-error'
import { TakeParameters } from './take-parameters'
import { TakeWatcher } from './take-watcher'
import { sweepPath } from '@/lib/sweeps/sweep-view'

const actionClass = 'inline-flex items-center rounded-md border border-line bg-panel px-3 py-1.5 text-sm hover:border-accent'

function Player({ take }: { take: TakeView }) {
  if (take.videoUrl) {
    return (
      <video
        data-testid="share-video"
        aria-label="Take video"
        src={take.videoUrl}
        poster={take.posterUrl ?? undefined}
        controls
        playsInline
        preload="metadata"
        className="w-full rounded-lg bg-black"
      />
    )
  }
  const finished = FINISHED_STATUSES.has(take.status)
  return (
    <div data-testid="share-video-placeholder" className="grid aspect-video place-items-center rounded-lg border border-line bg-panel text-sm text-muted">
      {finished ? 'This take has no video.' : 'The video appears here when the take finishes.'}
    </div>
  )
}

interface SharedTakeProps {
  take: TakeView
  /** For the take's owner: its share link's absolute address (null while private), and Remix. */
  owner?: { shareUrl: string | null }
  /** For anyone holding the share link: its token (the page then shows nothing but the take). */
  shareToken?: string
}

/** A take's read-only page: what was asked, what came out, what it cost. User text is text only. */
export function SharedTake({ take, owner, shareToken }: SharedTakeProps) {
  const prompt = promptOf(take.input)
  const finished = FINISHED_STATUSES.has(take.status)
  return (
    <article className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold tracking-tight">{endpointTitleOf(take.endpointId)}</h1>
        <p className="mt-1 font-mono text-sm text-muted">{take.endpointId}</p>
        {prompt && (
          <p data-testid="take-prompt" className="mt-4 max-w-3xl text-lg break-words whitespace-pre-wrap">
            {prompt}
          </p>
        )}
      </header>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <div className="space-y-3">
          <Player take={take} />
          <div className="flex flex-wrap items-center gap-3">
            <StatusBadge status={take.status} />
            {!finished && <TakeWatcher id={take.id} shareToken={shareToken} />}
            <div className="ml-auto flex gap-2">
              {take.videoUrl && (
                <a href={take.videoUrl} download={`take-${take.id}.mp4`} className={actionClass}>
                  Download
                </a>
              )}
              {owner && take.sweepId && (
                <Link href={sweepPath(take.sweepId)} className={actionClass}>
                  Its sweep
                </Link>
              )}
              {owner && (
                <Link href={remixPath(take.endpointId, take.id)} className={actionClass}>
                  Remix
                </Link>
              )}
            </div>
          </div>
          {owner && <ShareLinkControl id={take.id} shareUrl={owner.shareUrl} />}
          {take.error && take.status !== 'CANCELLED' && <TakeErrorMessage error={take.error} />}
        </div>
        <aside className="space-y-4">
          <TakeDetails take={take} />
          <TakeParameters input={take.input} />
        </aside>
      </div>
    </article>
  )
}
