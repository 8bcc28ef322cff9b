'use client'
import clsx from 'clsx'
import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import type { Payload } from '@/lib/schema'
import { CopyButton } from '@/components/ui/copy-button'
import { SNIPPET_LANGUAGES, snippetFor, type SnippetLanguage } from '@/lib/code-export/snippets'

interface CodeExportProps {
  endpointId: string
  payload: Payload
}

/** The current request as a cURL, JavaScript or Python snippet, with a Copy button (its own chunk: see CodeSection). */
export function CodeExport({ endpointId, payload }: CodeExportProps) {
  const [language, setLanguage] = useState<SnippetLanguage>('curl')
  const tabRefs = useRef(new Map<SnippetLanguage, HTMLButtonElement>())
  const baseId = useId()
  const snippet = useMemo(() => snippetFor(language, endpointId, payload), [language, endpointId, payload])

  function select(next: SnippetLanguage) {
    setLanguage(next)
  }

  function onTabKeyDown(event: KeyboardEvent<HTMLButtonElement>, index: number) {
    const last = SNIPPET_LANGUAGES.length - 1
    const targets: Record<string, number | undefined> = {
      ArrowRight: index === last ? 0 : index + 1,
      ArrowLeft: index === 0 ? last : index - 1,
      Home: 0,
      End: last,
    }
    const target = targets[event.key]
    const next = target === undefined ? undefined : SNIPPET_LANGUAGES[target]
    if (!next) return
    event.preventDefault()
    select(next.id)
    tabRefs.current.get(next.id)?.focus()
  }

  const panelId = `${baseId}-panel`
  const tabId = (id: SnippetLanguage) => `${baseId}-tab-${id}`

  return (
    <div>
      <div className="flex items-start justify-between gap-2">
        <p className="text-xs text-muted">Reads your key from FAL_KEY in the environment.</p>
        <CopyButton key={language} text={() => snippet} />
      </div>
      <div role="tablist" aria-label="Language" className="mt-3 flex gap-1">
        {SNIPPET_LANGUAGES.map(({ id, label }, index) => {
          const selected = id === language
          return (
            <button
              key={id}
              ref={(node) => {
                if (node) tabRefs.current.set(id, node)
                else tabRefs.current.delete(id)
              }}
              type="button"
              role="tab"
              id={tabId(id)}
              aria-selected={selected}
              aria-controls={panelId}
              tabIndex={selected ? 0 : -1}
              onClick={() => select(id)}
              onKeyDown={(event) => onTabKeyDown(event, index)}
              className={clsx(
                'rounded-md px-2 py-1 text-xs transition',
                selected ? 'bg-ink text-accent' : 'text-muted hover:text-white',
              )}
            >
              {label}
            </button>
          )
        })}
      </div>
      <pre
        id={panelId}
        role="tabpanel"
        aria-labelledby={tabId(language)}
        // Focusable so keyboard users can scroll a long snippet.
        tabIndex={0}
        data-testid="code-snippet"
        className="mt-2 max-h-96 overflow-auto rounded bg-ink p-3 font-mono text-xs"
      >
        {snippet}
      </pre>
    </div>
  )
}
