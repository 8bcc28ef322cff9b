'use client'
import { useState } from 'react'
import { stopSweep } from '@/lib/sweeps/client'
import { Button } from '@/components/ui/button'

/**
 * Stops submitting the sweep's remaining takes and cancels those still queued; running ones finish.
 * The page hears the outcome on the sweep's event stream, like every other change.
 */
export function StopSweepButton({ id, noun = 'sweep' }: { id: string; noun?: 'sweep' | 'batch' }) {
  const [stopping, setStopping] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function stop() {
    setStopping(true)
    setError(null)
    try {
      await stopSweep(id)
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : `The ${noun} could not be stopped.`)
    } finally {
      setStopping(false)
    }
  }

  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button variant="secondary" onClick={() => void stop()} disabled={stopping} aria-describedby="stop-sweep-note" data-testid="sweep-stop">
        {stopping ? 'Stopping…' : `Stop ${noun}`}
      </Button>
      <p id="stop-sweep-note" className="text-xs text-muted">
        Takes not yet submitted are skipped and queued ones cancelled; takes already running still finish (and are billed).
      </p>
      {error && (
        <p role="alert" data-testid="sweep-stop-error" className="w-full text-sm text-danger">
          Could not stop the {noun}: {error}
        </p>
      )}
    </div>
  )
}
