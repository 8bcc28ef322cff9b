'use client'
import { lazy, Suspense, useState } from 'react'
import type { Payload } from '@/lib/schema'

// The snippets are a chunk of their own, fetched when the section is about to open (pointer over it,
// or focus on its summary): the playground's first load does not carry them.
const loadCodeExport = () => import('./code-export')
const CodeExport = lazy(() => loadCodeExport().then((module) => ({ default: module.CodeExport })))

/** The current request as code, in a section that opens on demand. */
export function CodeSection({ endpointId, payload }: { endpointId: string; payload: Payload }) {
  const [open, setOpen] = useState(false)
  return (
    <details
      className="group rounded-lg border border-line bg-panel p-4"
      onToggle={(event) => setOpen(event.currentTarget.open)}
      onPointerEnter={() => void loadCodeExport()}
      onFocus={() => void loadCodeExport()}
    >
      <summary className="cursor-pointer text-sm font-medium">
        Code <span className="text-xs font-normal text-muted">cURL, JavaScript, Python</span>
      </summary>
      {open && (
        <div className="mt-3">
          <Suspense fallback={<p className="text-xs text-muted">Loading the snippets…</p>}>
            <CodeExport endpointId={endpointId} payload={payload} />
          </Suspense>
        </div>
      )}
    </details>
  )
}
