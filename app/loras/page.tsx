import type { Metadata } from 'next'
import { listLoras, loraUsage } from '@/lib/db/lora-queries'
import { loraViewOf } from '@/lib/loras/lora-view'
import { outputUrl } from '@/lib/storage/output-url'
import { LoraLibraryList, type LoraEntry } from '@/components/loras/lora-library-list'
import { AddLoraForm } from '@/components/loras/add-lora-form'

export const dynamic = 'force-dynamic'

export const metadata: Metadata = { title: 'LoRAs' }

/** How many of the takes that used a LoRA its entry shows. */
const RECENT_TAKES = 4

/** The LoRA library: Lightricks' official LoRAs and the user's own, with the takes that used each. */
export default async function LorasPage() {
  const [loras, usage] = await Promise.all([listLoras(), loraUsage(RECENT_TAKES)])
  const entries: LoraEntry[] = loras.map((lora) => {
    const used = usage.get(lora.id)
    return {
      lora: loraViewOf(lora),
      useCount: used?.count ?? 0,
      recent: (used?.recent ?? []).map((take) => ({ id: take.id, status: take.status, posterUrl: take.posterKey ? outputUrl(take.posterKey) : null })),
    }
  })
  return (
    <>
      <header className="mb-6">
        <h1 className="text-2xl font-semibold tracking-tight">LoRAs</h1>
        <p className="mt-1 max-w-3xl text-muted">
          A LoRA works only on the model it was trained on: LTX-2 19B LoRAs on the LTX-2 19B endpoints, LTX-2.3 22B LoRAs on the LTX-2.3 ones. Pick them
          in a playground&rsquo;s LoRA list with &ldquo;Pick from library&rdquo;.
        </p>
      </header>
      <div className="grid items-start gap-8 lg:grid-cols-[minmax(0,1fr)_minmax(280px,360px)]">
        <LoraLibraryList entries={entries} />
        <AddLoraForm />
      </div>
    </>
  )
}
