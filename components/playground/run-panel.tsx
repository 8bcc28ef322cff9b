import type { Payload } from '@/lib/schema'
import { Button } from '@/components/ui/button'
import { abbreviateDataUris } from '@/components/schema-form/format'

interface RunPanelProps {
  payload: Payload
  /** The payload that last passed validation on Run, if any. */
  accepted: Payload | null
}

/** The run area: the request the form yields, and the Run button. Running itself is not wired yet. */
export function RunPanel({ payload, accepted }: RunPanelProps) {
  return (
    <aside aria-label="Run" className="space-y-4 lg:sticky lg:top-6 lg:self-start">
      <div className="rounded-lg border border-line bg-panel p-4">
        <Button type="submit" variant="primary" className="w-full">
          Run
        </Button>
        <div role="status" className="mt-3 text-sm">
          {accepted ? (
            <p className="text-emerald-400">
              Input is valid ({Object.keys(accepted).length} fields). Running takes is not connected yet.
            </p>
          ) : (
            <p className="text-muted">Run checks the input against the endpoint’s schema.</p>
          )}
        </div>
      </div>
      <div className="rounded-lg border border-line bg-panel p-4">
        <h2 className="text-sm font-medium">Request</h2>
        <p className="text-xs text-muted">The required fields and every field that differs from its default.</p>
        <pre data-testid="payload" className="mt-2 max-h-96 overflow-auto rounded bg-ink p-3 font-mono text-xs">
          {JSON.stringify(abbreviateDataUris(payload), null, 2)}
        </pre>
      </div>
    </aside>
  )
}
