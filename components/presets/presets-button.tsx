'use client'
import { lazy, Suspense, useState } from 'react'
import type { Payload } from '@/lib/schema'
import { Button } from '@/components/ui/button'

export interface PresetsProps {
  endpointId: string
  /** The form's payload now, read when a preset is saved. */
  currentValues: () => Payload
  /** Puts a preset's values into the form. */
  onLoad: (values: Payload) => void
}

// The panel (and its API client) is a chunk of its own, fetched on first use: the playground's
// first load carries only this button.
const loadPanel = () => import('./presets-panel')
const PresetsPanel = lazy(loadPanel)

export function PresetsButton(props: PresetsProps) {
  const [open, setOpen] = useState(false)
  return (
    <div className="relative">
      <Button
        aria-expanded={open}
        aria-controls="presets-panel"
        onPointerEnter={() => void loadPanel()}
        onFocus={() => void loadPanel()}
        onClick={() => setOpen((was) => !was)}
      >
        Presets
      </Button>
      {open && (
        <Suspense fallback={<p className="absolute left-0 top-full z-20 mt-2 text-sm text-muted">Loading presets…</p>}>
          <PresetsPanel {...props} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </div>
  )
}
