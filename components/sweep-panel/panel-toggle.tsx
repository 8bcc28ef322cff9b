'use client'
import { Suspense, useState, type ReactNode } from 'react'
import { Button } from '@/components/ui/button'

interface PanelToggleProps {
  /** The button's text ("Sweep", "Batch"). */
  label: string
  /** The panel's element id. */
  controls: string
  /** Starts fetching the panel's chunk (on hover or focus, before the click). */
  preload: () => unknown
  /** The lazily loaded panel, hidden rather than unmounted when closed so its settings stay. */
  children: (hidden: boolean) => ReactNode
}

/** A playground button that opens a lazily loaded panel below the buttons' row. */
export function PanelToggle({ label, controls, preload, children }: PanelToggleProps) {
  const [open, setOpen] = useState(false)
  const [opened, setOpened] = useState(false)
  return (
    <>
      <Button
        aria-expanded={open}
        aria-controls={controls}
        onPointerEnter={() => void preload()}
        onFocus={() => void preload()}
        onClick={() => {
          setOpen(!open)
          setOpened(true)
        }}
      >
        {label}
      </Button>
      {opened && <Suspense fallback={<p className="basis-full text-sm text-muted">Loading {label.toLowerCase()}…</p>}>{children(!open)}</Suspense>}
    </>
  )
}
