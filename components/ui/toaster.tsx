'use client'
import * as Toast from '@radix-ui/react-toast'
import { useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { cva } from 'class-variance-authority'
import { dismiss, subscribe, type Note } from './notify'
import { surfaceClass } from './surface'

const titleClass = cva('font-medium', { variants: { tone: { done: 'text-emerald-300', problem: 'text-danger' } } })

/**
 * The toasts themselves (Radix Toast: announced politely to screen readers, F8 moves the focus to
 * them, Escape or the close button dismisses one, and they leave after a few seconds unless hovered
 * or focused). A problem stays longer than a confirmation.
 */
function Toaster() {
  const [notes, setNotes] = useState<readonly Note[]>([])
  useEffect(() => subscribe(setNotes), [])
  return (
    <Toast.Provider swipeDirection="right">
      {notes.map((note) => (
        <Toast.Root
          key={note.id}
          duration={note.tone === 'problem' ? 10_000 : 4_000}
          onOpenChange={(open) => {
            if (!open) dismiss(note.id)
          }}
          className={surfaceClass({ size: 'toast' })}
          data-testid="toast"
        >
          <div className="min-w-0 flex-1">
            <Toast.Title className={titleClass({ tone: note.tone })}>{note.title}</Toast.Title>
            {note.description && <Toast.Description className="mt-0.5 text-xs text-muted">{note.description}</Toast.Description>}
          </div>
          <Toast.Close aria-label="Dismiss" className="text-muted hover:text-white">
            ×
          </Toast.Close>
        </Toast.Root>
      ))}
      <Toast.Viewport className="fixed bottom-4 right-4 z-50 flex w-[min(92vw,22rem)] flex-col gap-2 outline-none" />
    </Toast.Provider>
  )
}

/** Puts the toaster at the end of the page, once (notify calls this with its first toast). */
export function mountToaster(): void {
  const host = document.createElement('div')
  host.dataset.toaster = ''
  document.body.append(host)
  createRoot(host).render(<Toaster />)
}
