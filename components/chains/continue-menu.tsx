'use client'
import Link from 'next/link'
import { useEffect, useState } from 'react'
import { Button } from '@/components/ui/button'
import { Popover } from '@/components/ui/popover'
import { continueHref, describeSource, type ContinueChoice } from '@/lib/chains/continue-choices'
import { fetchContinueChoices } from '@/lib/chains/continue-client'

interface ContinueMenuProps {
  takeId: string
  /** Known already (the take page reads them on the server); fetched on first open otherwise. */
  choices?: ContinueChoice[]
}

/** "Continue": the endpoints and fields a finished take can feed, each opening the playground with it filled in. */
export function ContinueMenu({ takeId, choices: given }: ContinueMenuProps) {
  return (
    <Popover label="Continue this take" trigger={<Button data-testid="continue-button">Continue…</Button>}>
      <ChoiceList takeId={takeId} given={given} />
    </Popover>
  )
}

function ChoiceList({ takeId, given }: { takeId: string; given?: ContinueChoice[] }) {
  const [fetched, setFetched] = useState<ContinueChoice[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (given) return
    const controller = new AbortController()
    fetchContinueChoices(takeId, controller.signal).then(setFetched, (cause: unknown) => {
      if (!controller.signal.aborted) setError(cause instanceof Error ? cause.message : 'The choices could not be loaded.')
    })
    return () => controller.abort()
  }, [takeId, given])
  const choices = given ?? fetched
  if (error) return <p className="text-sm text-danger">{error}</p>
  if (!choices) return <p className="text-sm text-muted">Loading…</p>
  if (choices.length === 0) return <p className="text-sm text-muted">No model takes a video or an image.</p>
  return (
    <div className="max-w-xs space-y-2">
      <p className="text-xs text-muted">Start a new take from this one:</p>
      <ul className="space-y-1" data-testid="continue-choices">
        {choices.map((choice) => (
          <li key={`${choice.endpointId} ${choice.field}`}>
            <Link
              href={continueHref(takeId, choice)}
              className="block rounded px-2 py-1 text-sm hover:bg-ink"
              data-testid="continue-choice"
              data-endpoint={choice.endpointId}
              data-field={choice.field}
            >
              <span className="block font-medium">{choice.endpointTitle}</span>
              <span className="block text-xs text-muted">
                {choice.fieldLabel} ← {describeSource(choice.source)}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  )
}
