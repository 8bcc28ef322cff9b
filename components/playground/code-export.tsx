'use client'
import { useMemo, useState } from 'react'
import type { Payload } from '@/lib/schema'
import { CopyButton } from '@/components/ui/copy-button'
import { Tabs, TabsContent, TabsList, TabsTrigger } from '@/components/ui/tabs'
import { SNIPPET_LANGUAGES, snippetFor, type SnippetLanguage } from '@/lib/code-export/snippets'

interface CodeExportProps {
  endpointId: string
  payload: Payload
}

/** The current request as a cURL, JavaScript or Python snippet, with a Copy button (its own chunk: see CodeSection). */
export function CodeExport({ endpointId, payload }: CodeExportProps) {
  const [language, setLanguage] = useState<SnippetLanguage>('curl')
  const snippet = useMemo(() => snippetFor(language, endpointId, payload), [language, endpointId, payload])
  return (
    <Tabs value={language} onValueChange={(value) => setLanguage(value as SnippetLanguage)}>
      <div className="flex items-start justify-between gap-2">
        <p className="text-xs text-muted">Reads your key from FAL_KEY in the environment.</p>
        <CopyButton key={language} text={() => snippet} />
      </div>
      <TabsList aria-label="Language" className="mt-3">
        {SNIPPET_LANGUAGES.map(({ id, label }) => (
          <TabsTrigger key={id} value={id}>
            {label}
          </TabsTrigger>
        ))}
      </TabsList>
      {SNIPPET_LANGUAGES.map(({ id }) => (
        <TabsContent key={id} value={id} tabIndex={-1}>
          {id === language && (
            // Focusable so keyboard users can scroll a long snippet.
            <pre tabIndex={0} data-testid="code-snippet" aria-label="Snippet" className="mt-2 max-h-96 overflow-auto rounded bg-ink p-3 font-mono text-xs">
              {snippet}
            </pre>
          )}
        </TabsContent>
      ))}
    </Tabs>
  )
}
