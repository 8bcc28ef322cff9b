'use client'
import { lazy } from 'react'
import type { FieldDescriptor, Payload } from '@/lib/schema'
import type { InputMediaFacts } from '@/lib/generation/output-shape'
import type { PricedEndpoint } from '@/lib/pricing/estimate'
import { PanelToggle } from './panel-toggle'

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
  return (
    <PanelToggle label="Sweep" controls="sweep-panel" preload={loadPanel}>
      {(hidden) => <SweepPanel key={props.endpointId} {...props} hidden={hidden} />}
    </PanelToggle>
  )
}
