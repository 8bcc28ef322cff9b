'use client'
import { lazy, Suspense } from 'react'
import Link from 'next/link'
import { FINISHED_STATUSES } from '@/lib/takes/take-status'
import type { TakeView } from '@/lib/takes/take-view'
import { StatusBadge } from '@/components/takes/status-badge'
import { endpointTitleOf, promptOf } from '@/components/takes/take-text'
import { remixPath } from './share-path'
import { ShareLinkControl } from './share-link-control'
import { TakeDetails } from './take-details'
import { TakeErrorMessage } from '@/components/takes/take-error'
import { TakeParameters } from './take-parameters'
import { TakeLogs } from '@/components/takes/take-logs'
import { useLiveView } from '@/components/live/use-event-stream'
import { sweepPath } from '@/lib/sweeps/sweep-view'
import { downloadFileName, downloadHref } from '@/lib/takes/download-name'
import { videoOf } from '@/lib/generation/output-video'

// The typed and the used prompt, diffed: its own chunk (it carries `diff`), only for an output that states another prompt.
const PromptTruth = lazy(() => import('@/components/takes/prompt-truth').then((module) => ({ default: module.PromptTruth })))

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


/** The owner's share control, titled, with what sharing means. */
function Sharing({ id, shareUrl }: { id: string; shareUrl: string | null }) {
  return (
    <section aria-labelledby="take-sharing-title" className="rounded-lg border border-line bg-panel p-4">
      <h2 id="take-sharing-title" className="text-sm font-medium">
        Sharing
      </h2>
      <p className="mt-1 mb-3 text-xs text-muted">
        {shareUrl
          ? 'Anyone with this link can watch the take, its parameters and its cost — never your input files’ addresses or its logs. Revoking the link is final.'
          : 'Only you can see this take. Share makes a link anyone can open without signing in.'}
      </p>
      <ShareLinkControl id={id} shareUrl={shareUrl} showUrl />
    </section>
  )
}

interface SharedTakeProps {
  take: TakeView
  /** For the take's owner: its share link's absolute address (null while private), and Remix. */
  owner?: { shareUrl: string | null }
  /** For anyone holding the share link: its token (the page then shows nothing but the take). */
  shareToken?: string
}

/** The video file's extension, from the name fal gave it (mp4 when it gave none). */
function extensionOf(take: TakeView): string {
  const name = videoOf(take.output)?.fileName
  const extension = name?.match(/\.([A-Za-z0-9]{1,8})$/)?.[1]
  return extension?.toLowerCase() ?? 'mp4'
}

/** Where a viewer watches the take: the owner's stream, or the share link's (with its token). */
function eventsUrl(take: TakeView, shareToken: string | undefined): string | null {
  if (FINISHED_STATUSES.has(take.status) && take.copyStatus !== 'pending') return null
  const url = `/api/takes/${encodeURIComponent(take.id)}/events`
  return shareToken ? `${url}?s=${encodeURIComponent(shareToken)}` : url
}

/** A take's read-only page: what was asked, what came out, what it cost; live while it runs. User text is text only. */
export function SharedTake({ take: initial, owner, shareToken }: SharedTakeProps) {
  const { view: take, ended } = useLiveView(eventsUrl(initial, shareToken), initial)
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
            {!finished && ended !== 'gone' && (
              <p role="status" className="text-sm text-muted" data-testid="take-watcher">
                {take.cancelling ? 'Cancelling…' : 'Live: this page follows the take as it runs.'}
                {take.queuePosition !== null && take.status === 'IN_QUEUE' && ` Position ${take.queuePosition} in the queue.`}
              </p>
            )}
            {ended === 'gone' && (
              <p role="status" className="text-sm text-muted" data-testid="take-gone">
                This take is no longer available.
              </p>
            )}
            <div className="ml-auto flex gap-2">
              {take.videoUrl && (
                <a href={downloadHref(take.videoUrl)} download={downloadFileName(take.endpointId, take.id, extensionOf(take))} className={actionClass}>
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
          {typeof take.output?.prompt === 'string' && take.output.prompt !== take.input.prompt && (
            <Suspense fallback={null}>
              <PromptTruth titleLevel="h2" input={take.input} output={take.output} usePromptHref={owner ? `${remixPath(take.endpointId, take.id)}&prompt=used` : undefined} />
            </Suspense>
          )}
          {owner && <Sharing id={take.id} shareUrl={owner.shareUrl} />}
          {take.error && take.status !== 'CANCELLED' && <TakeErrorMessage error={take.error} />}
          {owner && take.logs.length > 0 && <TakeLogs logs={take.logs} />}
        </div>
        <aside className="space-y-4">
          <TakeDetails take={take} />
          <TakeParameters input={take.input} />
        </aside>
      </div>
    </article>
  )
}
