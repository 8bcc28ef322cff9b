'use client'
import { lazy, Suspense, useState } from 'react'
import type { FieldDescriptor, Payload } from '@/lib/schema'
import type { InputMediaFacts } from '@/lib/generation/output-shape'
import type { PricedEndpoint } from '@/lib/pricing/estimate'
import { Button } from '@/components/ui/button'

export interface SweepProps {
  endpointId: string
  fields: FieldDescriptor[]
  /** The form's payload now: the base input of every take. */
  payload: Payload
  /** The same pricing inputs as the playground's single-take estimate. */
  priced: PricedEndpoint
  media: InputMediaFacts
  /** Validates the whole form as Run does (focusing the first invalid field); the payload, or null when invalid. */
  validate: () => Promise<Payload | null>
  /** Shows the server's complaint on a form field. */
  onFieldError: (field: string, message: string) => void
}

// The panel (with the sweep API client) is a chunk of its own, fetched on first use: the
// playground's first load carries only this button.
const loadPanel = () => import('./sweep-panel')
const SweepPanel = lazy(loadPanel)

/** "Sweep", and below the buttons' row the sweep panel; closing hides it, so its settings stay. */
export function SweepButton(props: SweepProps) {
  const [open, setOpen] = useState(false)
  const [opened, setOpened] = useState(false)
  return (
    <>
      <Button
        aria-expanded={open}
        aria-controls="sweep-panel"
        onPointerEnter={() => void loadPanel()}
        onFocus={() => void loadPanel()}
        onClick={() => {
          setOpen(!open)
          setOpened(true)
        }}
      >
        Sweep
      </Button>
      {opened && (
        <Suspense fallback={<p className="basis-full text-sm text-muted">Loading sweep…</p>}>
          <SweepPanel key={props.endpointId} {...props} hidden={!open} />
        </Suspense>
      )}
    </>
  )
}
