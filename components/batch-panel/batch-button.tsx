'use client'
import { lazy } from 'react'
import type { SweepProps } from '@/components/sweep-panel/sweep-button'
import { PanelToggle } from '@/components/sweep-panel/panel-toggle'

// The panel (with the CSV parser and the batch API client) is a chunk of its own, fetched on first
// use: the playground's first load carries only this button.
const loadPanel = () => import('./batch-panel')
const BatchPanel = lazy(loadPanel)

/** "Batch", and below the buttons' row the batch panel; closing hides it, so its rows stay. */
export function BatchButton(props: SweepProps) {
  return (
    <PanelToggle label="Batch" controls="batch-panel" preload={loadPanel}>
      {(hidden) => <BatchPanel key={props.endpointId} {...props} hidden={hidden} />}
    </PanelToggle>
  )
}
