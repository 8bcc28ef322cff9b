'use client'
import { useState } from 'react'
import { stopSweep } from '@/lib/sweeps/client'
import type { SweepView } from '@/lib/sweeps/sweep-view'
import { Button } from '@/components/ui/button'

/** Stops submitting the sweep's remaining takes; the ones already with fal run to the end. */
export function StopSweepButton({ id, onStopped }: { id: string; onStopped: (sweep: SweepView) => void }) {
  const [stopping, setStopping] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function stop() {
    setStopping(true)
    setError(null)
    try {
      onStopped(await stopSweep(id))
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'The sweep could not be stopped.')
    } finally {
      setStopping(false)
    }
  }

  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button variant="secondary" onClick={() => void stop()} disabled={stopping} aria-describedby="stop-sweep-note" data-testid="sweep-stop">
        {stopping ? 'Stopping…' : 'Stop sweep'}
      </Button>
      <p id="stop-sweep-note" className="text-xs text-muted">
        Takes not yet submitted are skipped; takes already submitted still finish (and are billed).
      </p>
      {error && (
        <p role="alert" data-testid="sweep-stop-error" className="w-full text-sm text-danger">
          Could not stop the sweep: {error}
        </p>
      )}
    </div>
  )
}
