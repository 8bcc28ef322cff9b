import type { Payload } from '@/lib/schema'
import { abbreviateDataUris } from '@/components/schema-form/format'

/** The request as it will be sent: the required fields and every field that differs from its default. */
export function RequestPayload({ payload }: { payload: Payload }) {
  return (
    <section aria-label="Request" className="rounded-lg border border-line bg-panel p-4">
      <h2 className="text-sm font-medium">Request</h2>
      <p className="text-xs text-muted">The required fields and every field that differs from its default.</p>
      <pre tabIndex={0} data-testid="payload" aria-label="Request payload" className="mt-2 max-h-96 overflow-auto rounded bg-ink p-3 font-mono text-xs">
        {JSON.stringify(abbreviateDataUris(payload), null, 2)}
      </pre>
    </section>
  )
}
