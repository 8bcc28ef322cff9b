'use client'
import { useRouter } from 'next/navigation'
import { useId, useState, type FormEvent, type ReactNode } from 'react'
import { BASE_LABELS, KIND_LABELS } from '@/lib/loras/bases'
import { isLoraField, LORA_SCALE_MAX, LORA_SCALE_MIN, type LoraField } from '@/lib/loras/lora-view'
import { Button } from '@/components/ui/button'
import { createLoraRequest } from './lora-api'
import { StudioApiError } from '@/lib/http/studio-api'

const inputClass = 'w-full rounded-md border border-line bg-ink px-3 py-1.5 text-sm aria-[invalid=true]:border-danger'

type Problem = { field?: LoraField; message: string }

/** Adds the user's own LoRA by URL. The server checks every field; a refusal is shown on its field and nothing is stored. */
export function AddLoraForm() {
  const router = useRouter()
  const id = useId()
  const [problem, setProblem] = useState<Problem | null>(null)
  const [added, setAdded] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = event.currentTarget
    const data = new FormData(form)
    const text = (name: string) => String(data.get(name) ?? '')
    const scaleText = text('recommendedScale').trim()
    setBusy(true)
    setProblem(null)
    setAdded(null)
    try {
      const lora = await createLoraRequest({
        name: text('name'),
        url: text('url'),
        base: text('base'),
        kind: text('kind'),
        recommendedScale: scaleText === '' ? Number.NaN : Number(scaleText),
        triggerWords: text('triggerWords'),
        note: text('note'),
      })
      form.reset()
      setAdded(lora.name)
      router.refresh()
    } catch (error) {
      setProblem(error instanceof StudioApiError ? { field: isLoraField(error.field) ? error.field : undefined, message: error.message } : { message: 'The LoRA could not be added. Try again in a moment.' })
      const refused = error instanceof StudioApiError && error.field ? form.elements.namedItem(error.field) : null
      if (refused instanceof HTMLElement) refused.focus()
    } finally {
      setBusy(false)
    }
  }

  const errorOf = (field: LoraField) => (problem?.field === field ? problem.message : undefined)
  const field = (name: LoraField, label: string, control: (props: FieldProps) => ReactNode, help?: string) => {
    const error = errorOf(name)
    const controlId = `${id}-${name}`
    const describedBy = [help ? `${controlId}-help` : '', error ? `${controlId}-error` : ''].filter(Boolean).join(' ') || undefined
    return (
      <div className="space-y-1">
        <label htmlFor={controlId} className="block text-sm font-medium">
          {label}
        </label>
        {control({ id: controlId, name, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy, className: inputClass })}
        {help && (
          <p id={`${controlId}-help`} className="text-xs text-muted">
            {help}
          </p>
        )}
        {error && (
          <p id={`${controlId}-error`} className="text-xs text-danger" data-testid={`lora-error-${name}`}>
            {error}
          </p>
        )}
      </div>
    )
  }

  return (
    <section aria-labelledby={`${id}-title`} className="rounded-lg border border-line p-4 lg:sticky lg:top-4">
      <h2 id={`${id}-title`} className="text-lg font-medium">
        Add a LoRA by URL
      </h2>
      <form noValidate onSubmit={(event) => void submit(event)} className="mt-3 space-y-3">
        {field('name', 'Name', (props) => <input {...props} type="text" autoComplete="off" />)}
        {field('url', 'URL', (props) => <input {...props} type="url" inputMode="url" autoComplete="off" placeholder="https://huggingface.co/…/resolve/main/….safetensors" />, 'An https:// URL of the .safetensors file, on a public host.')}
        {field('base', 'Trained on', (props) => (
          <select {...props} defaultValue="ltx-2-19b">
            {Object.entries(BASE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        ))}
        {field('kind', 'Kind', (props) => (
          <select {...props} defaultValue="style">
            {Object.entries(KIND_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        ))}
        {field('recommendedScale', 'Recommended scale', (props) => <input {...props} type="number" step="0.05" min={LORA_SCALE_MIN} max={LORA_SCALE_MAX} defaultValue={1} />, `${LORA_SCALE_MIN} to ${LORA_SCALE_MAX}; fills the row's scale when picked.`)}
        {field('triggerWords', 'Trigger words (optional)', (props) => <input {...props} type="text" autoComplete="off" />)}
        {field('note', 'Usage note (optional)', (props) => <textarea {...props} rows={3} />)}
        {problem && !problem.field && (
          <p role="alert" className="text-sm text-danger">
            {problem.message}
          </p>
        )}
        <p role="status" className="text-sm text-muted">
          {problem?.field ? 'Not added: check the field marked.' : added ? `Added “${added}”.` : ''}
        </p>
        <Button type="submit" variant="primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add LoRA'}
        </Button>
      </form>
    </section>
  )
}

interface FieldProps {
  id: string
  name: string
  'aria-invalid': true | undefined
  'aria-describedby': string | undefined
  className: string
}
