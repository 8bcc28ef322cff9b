import Image from 'next/image'
import Link from 'next/link'
import type { TakeStatus } from '@/lib/db/schema'
import { BASE_LABELS, KIND_LABELS, type LoraKind } from '@/lib/loras/bases'
import type { LoraView } from '@/lib/loras/lora-view'
import { takePath } from '@/components/share/share-path'
import { DeleteLoraButton } from './delete-lora-button'

export interface LoraEntry {
  lora: LoraView
  /** Takes (not deleted) whose input's LoRA paths include this LoRA's URL. */
  useCount: number
  recent: { id: string; status: TakeStatus; posterUrl: string | null }[]
}

const KINDS = Object.keys(KIND_LABELS) as LoraKind[]

/** Every LoRA of the library, by kind, with its fields, how often it was used and the last takes that used it. */
export function LoraLibraryList({ entries }: { entries: LoraEntry[] }) {
  return (
    <div className="space-y-8">
      {KINDS.map((kind) => {
        const ofKind = entries.filter((entry) => entry.lora.kind === kind)
        if (ofKind.length === 0) return null
        return (
          <section key={kind} aria-labelledby={`loras-${kind}`}>
            <h2 id={`loras-${kind}`} className="mb-3 text-lg font-medium">
              {KIND_LABELS[kind]} <span className="text-sm text-muted">({ofKind.length})</span>
            </h2>
            <ul className="space-y-3">
              {ofKind.map((entry) => (
                <LoraCard key={entry.lora.id} entry={entry} />
              ))}
            </ul>
          </section>
        )
      })}
    </div>
  )
}

function LoraCard({ entry: { lora, useCount, recent } }: { entry: LoraEntry }) {
  const headingId = `lora-${lora.id}`
  return (
    <li className="rounded-lg border border-line p-4" data-testid="lora-card">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h3 id={headingId} className="font-medium">
            {lora.name}
          </h3>
          <p className="mt-0.5 text-xs text-muted">
            {BASE_LABELS[lora.base]} · scale {lora.recommendedScale} · {lora.official ? 'official (Lightricks)' : 'yours'}
          </p>
        </div>
        {!lora.official && <DeleteLoraButton id={lora.id} name={lora.name} />}
      </div>
      <dl className="mt-3 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_minmax(0,1fr)]">
        <dt className="text-muted">URL</dt>
        <dd className="min-w-0 break-all font-mono text-xs">
          <a href={lora.url} className="underline decoration-line underline-offset-2 hover:text-white" rel="noreferrer noopener" target="_blank">
            {lora.url}
          </a>
        </dd>
        {lora.triggerWords && (
          <>
            <dt className="text-muted">Trigger words</dt>
            <dd>
              <code>{lora.triggerWords}</code>
            </dd>
          </>
        )}
        {lora.note && (
          <>
            <dt className="text-muted">Usage</dt>
            <dd>{lora.note}</dd>
          </>
        )}
        <dt className="text-muted">Used in</dt>
        <dd data-testid="lora-use-count">
          {useCount === 0 ? 'No takes yet' : `${useCount} take${useCount === 1 ? '' : 's'}`}
        </dd>
      </dl>
      {recent.length > 0 && (
        <ul className="mt-3 flex flex-wrap gap-2" aria-label={`Last takes with ${lora.name}`}>
          {recent.map((take) => (
            <li key={take.id}>
              <Link href={takePath(take.id)} prefetch={false} className="relative block h-16 w-28 overflow-hidden rounded border border-line bg-black" aria-label={`Take ${take.id} (${take.status.toLowerCase()})`}>
                {take.posterUrl ? (
                  <Image src={take.posterUrl} alt="" fill unoptimized sizes="112px" className="object-cover" />
                ) : (
                  <span aria-hidden className="grid h-full place-items-center text-xs text-muted">
                    No preview
                  </span>
                )}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </li>
  )
}
