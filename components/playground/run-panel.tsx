import { lazy, Suspense, useEffect } from 'react'
import type { Payload } from '@/lib/schema'
import type { Bill, Estimate } from '@/lib/pricing'
import type { TakeProgress } from '@/lib/takes/take-progress'
import type { ExactInteger } from '@/lib/json/exact-integer'
import { Button } from '@/components/ui/button'
import { abbreviateDataUris } from '@/components/schema-form/format'
import { TakeStatus } from '@/components/takes/take-status'
import { TakeLogs } from '@/components/takes/take-logs'
import type { InputMedia } from '@/components/takes/take-result'
import { CodeSection } from './code-section'
import { TakeLinks } from './take-links'
import { EstimatePanel } from './estimate-panel'

interface RunPanelProps {
  endpointId: string
  payload: Payload
  estimate: Estimate
  take: TakeProgress | null
  /** A take is being submitted or followed. */
  active: boolean
  billed: Bill | null
  cancelError: string | null
  onCancel: () => void
  onRetry: () => void
  onUseSeed?: (seed: ExactInteger) => void
  /** The take's video and audio inputs, for the compare view. */
  resultInputs: InputMedia[]
}

// The result (player, facts, compare with the input) is a chunk of its own, fetched as soon as a
// take starts: the playground's first load does not carry it.
const loadTakeResult = () => import('@/components/takes/take-result')
const TakeResult = lazy(() => loadTakeResult().then((module) => ({ default: module.TakeResult })))

/** The run area: estimate, Run, the take's progress and result, and the request as code. */
export function RunPanel(props: RunPanelProps) {
  const { endpointId, payload, estimate, take, active, billed } = props
  const hasTake = take !== null
  useEffect(() => {
    if (hasTake) void loadTakeResult()
  }, [hasTake])
  return (
    <aside aria-label="Run" className="min-w-0 space-y-4">
      <div className="space-y-4 rounded-lg border border-line bg-panel p-4">
        <EstimatePanel estimate={estimate} billed={billed} cost={take?.cost} />
        <div className="flex items-center gap-3">
          <Button type="submit" variant="primary" className="flex-1" disabled={active}>
            {active ? 'Running…' : 'Run'}
          </Button>
          <kbd className="text-xs text-muted">Ctrl/⌘ + Enter</kbd>
        </div>
        {take && <TakeStatus take={take} onCancel={props.onCancel} onRetry={props.onRetry} cancelError={props.cancelError} />}
      </div>
      {take?.status === 'COMPLETED' && take.output && (
        <section aria-label="Result" className="rounded-lg border border-line bg-panel p-4">
          <Suspense fallback={<p className="text-sm text-muted">Loading the player…</p>}>
            <TakeResult output={take.output} inputs={props.resultInputs} onUseSeed={props.onUseSeed} copyStatus={take.copyStatus} />
          </Suspense>
          {take.takeId && <TakeLinks takeId={take.takeId} />}
        </section>
      )}
      {take && take.status !== 'SUBMITTING' && <TakeLogs logs={take.logs} />}
      <CodeSection endpointId={endpointId} payload={payload} />
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
