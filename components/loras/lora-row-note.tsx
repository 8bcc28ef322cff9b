'use client'
import { useFormContext, useWatch } from 'react-hook-form'
import { baseMismatch } from '@/lib/loras/bases'
import { Button } from '@/components/ui/button'
import { useEndpointId } from './endpoint-id'
import { useLoraLibrary } from './library-store'

/** The form field a LoRA's trigger words are added to. */
const PROMPT_FIELD = 'prompt'

/**
 * Under a LoRA row whose path is a library LoRA: a warning when it was trained on another base than
 * the endpoint runs, and its trigger words with a button that adds them to the prompt. Loaded with
 * the first LoRA row; the library is read once a row has a path.
 */
export function LoraRowNote({ path, rowLabel }: { path: string; rowLabel: string }) {
  const value: unknown = useWatch({ name: path })
  if (typeof value !== 'string' || value === '') return null
  return <LibraryNote url={value} rowLabel={rowLabel} />
}

function LibraryNote({ url, rowLabel }: { url: string; rowLabel: string }) {
  const state = useLoraLibrary(useEndpointId())
  const { getValues, setValue } = useFormContext()
  const prompt: unknown = useWatch({ name: PROMPT_FIELD })
  if (state.status !== 'ready') return null
  const lora = state.library.loras.find((entry) => entry.url === url)
  if (!lora) return null
  const mismatch = baseMismatch(lora.base, state.library.endpointBase)
  const trigger = lora.triggerWords
  const canAddTrigger = trigger !== null && typeof prompt === 'string' && !prompt.includes(trigger)
  return (
    <div className="space-y-1 text-xs" data-testid="lora-row-note">
      <p className="text-muted">
        Library: <span className="text-slate-200">{lora.name}</span>
      </p>
      {mismatch && (
        <p role="alert" className="rounded border border-amber-500/40 bg-amber-500/10 px-2 py-1 text-amber-200" data-testid="lora-base-warning">
          {mismatch}
        </p>
      )}
      {trigger && (
        <p className="flex flex-wrap items-center gap-2 text-muted">
          Trigger words: <code className="text-slate-200">{trigger}</code>
          {canAddTrigger && (
            <Button
              size="sm"
              variant="secondary"
              aria-label={`Add ${rowLabel}'s trigger words to the prompt`}
              onClick={() => {
                const current = String(getValues(PROMPT_FIELD) ?? '')
                setValue(PROMPT_FIELD, current.trim() ? `${trigger} ${current}` : trigger, { shouldDirty: true })
              }}
            >
              Add to prompt
            </Button>
          )}
        </p>
      )}
    </div>
  )
}
