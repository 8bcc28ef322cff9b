import Image from 'next/image'
import Link from 'next/link'
import type { TakeView } from '@/lib/takes/take-view'
import type { ChainShape } from '@/lib/chains/chain-order'
import type { ContinueChoice } from '@/lib/chains/continue-choices'
import { StatusBadge } from '@/components/takes/status-badge'
import { endpointTitleOf, promptOf, truncate } from '@/components/takes/take-text'
import { ChainPlayer, type ChainClip } from './chain-player'
import { ContinueMenu } from './continue-menu'

function labelOf(take: TakeView): string {
  const prompt = promptOf(take.input)
  return `${endpointTitleOf(take.endpointId)}${prompt ? ` — ${truncate(prompt, 60)}` : ''}`
}

/** One take of the chain: its poster and model, linking to its page. */
function ChainCard({ take, current = false, role }: { take: TakeView; current?: boolean; role: 'parent' | 'child' | 'chain' }) {
  const body = (
    <>
      <div className="relative aspect-video w-full overflow-hidden rounded bg-black">
        {take.posterUrl ? <Image data-testid="chain-poster" src={take.posterUrl} alt="Poster frame" fill unoptimized sizes="160px" className="object-cover" /> : null}
      </div>
      <span className="mt-1 block truncate text-xs">{labelOf(take)}</span>
      <StatusBadge status={take.status} />
    </>
  )
  const common = { 'data-testid': `chain-${role}`, 'data-take-id': take.id, className: 'block w-40 rounded border border-line p-1.5' }
  return current ? (
    <div {...common} aria-current="true" className={`${common.className} border-accent`}>
      {body}
      <span className="text-xs text-muted">This take</span>
    </div>
  ) : (
    <Link {...common} href={`/t/${encodeURIComponent(take.id)}`} className={`${common.className} hover:border-accent`}>
      {body}
    </Link>
  )
}

function Row({ title, takes, role }: { title: string; takes: TakeView[]; role: 'parent' | 'child' }) {
  if (takes.length === 0) return null
  return (
    <div>
      <h3 className="mb-1 text-xs text-muted">{title}</h3>
      <div className="flex flex-wrap gap-2">
        {takes.map((take) => (
          <ChainCard key={take.id} take={take} role={role} />
        ))}
      </div>
    </div>
  )
}

interface TakeChainProps {
  take: TakeView
  /** Null when the take stands alone. */
  chain: ChainShape<TakeView> | null
  choices: ContinueChoice[]
}

/**
 * A take's shot chain on its page: Continue (into any endpoint that takes a video or an image), the
 * take it continues and the takes that continue it, the whole chain from its start, and a player
 * that plays it end to end.
 */
export function TakeChain({ take, chain, choices }: TakeChainProps) {
  const canContinue = take.status === 'COMPLETED' && take.videoUrl !== null && choices.length > 0
  if (!chain && !canContinue) return null
  const parent = chain?.ancestors.at(-1)
  const clips: ChainClip[] = (chain?.playOrder ?? []).flatMap((item) => (item.videoUrl ? [{ id: item.id, videoUrl: item.videoUrl, posterUrl: item.posterUrl, label: labelOf(item) }] : []))
  return (
    <section aria-labelledby="take-chain-title" className="mt-6 space-y-4 rounded-lg border border-line bg-panel p-4" data-testid="take-chain">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="take-chain-title" className="text-sm font-medium">
          Shot chain
        </h2>
        <div className="flex flex-wrap gap-2">
          {chain && (
            <Link href={`/takes?chain=${encodeURIComponent(take.id)}`} className="inline-flex items-center rounded-md border border-line px-3 py-1.5 text-sm hover:border-accent" data-testid="chain-history-link">
              This chain in History
            </Link>
          )}
          {canContinue && <ContinueMenu takeId={take.id} choices={choices} />}
        </div>
      </div>
      {!chain && <p className="text-xs text-muted">Continue starts a new take from this one: its video, or its last frame as an image (its first frame as an end image).</p>}
      {chain && (
        <>
          <Row title="Continues" takes={parent ? [parent] : []} role="parent" />
          <Row title="Continued by" takes={chain.children} role="child" />
          {chain.playOrder.length > 2 || chain.ancestors.length > 1 ? (
            <div>
              <h3 className="mb-1 text-xs text-muted">The whole chain, from its start</h3>
              <ol className="flex flex-wrap gap-2">
                {chain.playOrder.map((item) => (
                  <li key={item.id}>
                    <ChainCard take={item} role="chain" current={item.id === take.id} />
                  </li>
                ))}
              </ol>
            </div>
          ) : null}
          {clips.length > 1 && <ChainPlayer clips={clips} />}
        </>
      )}
    </section>
  )
}
