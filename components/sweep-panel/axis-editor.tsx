'use client'
import { useId } from 'react'
import clsx from 'clsx'
import { controlClass } from '@/components/ui/styles'
import type { SweepableField } from '@/lib/sweeps/sweep-plan'
import { draftFor, type AxisDraft, type AxisInputName, type AxisValues } from '@/lib/sweeps/axis-input'

interface AxisEditorProps {
  /** 1 or 2: names the axis's controls ("Sweep field 1", "Values 1"). */
  number: number
  /** The fields this axis may sweep. */
  fields: SweepableField[]
  draft: AxisDraft | null
  /** What the draft gives; null when the axis is off. */
  parsed: AxisValues | null
  /** The axis may be off ("None"). */
  optional?: boolean
  onChange: (draft: AxisDraft | null) => void
}

/** One sweep axis: the field, and its values as a list or a range, with the values it gives as chips. */
export function AxisEditor({ number, fields, draft, parsed, optional = false, onChange }: AxisEditorProps) {
  const id = useId()
  const field = fields.find((candidate) => candidate.name === draft?.field)

  function pick(name: string) {
    const next = fields.find((candidate) => candidate.name === name)
    onChange(next ? draftFor(next) : null)
  }

  const input = (name: AxisInputName, label: string, className: string) => {
    const error = parsed?.errors[name]
    return (
      <div className="grid gap-1">
        <label htmlFor={`${id}-${name}`} className="text-xs text-muted">
          {label}
        </label>
        <input
          id={`${id}-${name}`}
          className={clsx(controlClass, className)}
          value={draft?.[name] ?? ''}
          placeholder={name === 'list' ? (field?.kind === 'number' && field.integer ? 'e.g. 8, 20' : 'e.g. 2, 3.5, 5') : undefined}
          inputMode={name === 'list' ? undefined : 'decimal'}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? `${id}-${name}-error` : undefined}
          onChange={(event) => draft && onChange({ ...draft, [name]: event.target.value })}
        />
        {error && (
          <p id={`${id}-${name}-error`} className="text-xs text-danger">
            {error}
          </p>
        )}
      </div>
    )
  }

  return (
    <fieldset className="grid gap-2 rounded border border-line/60 p-2">
      <legend className="px-1 text-xs font-medium">Axis {number}</legend>
      <div className="flex flex-wrap items-end gap-3">
        <div className="grid gap-1">
          <label htmlFor={`${id}-field`} className="text-xs text-muted">
            Sweep field {number}
          </label>
          <select id={`${id}-field`} className={controlClass} value={draft?.field ?? ''} onChange={(event) => pick(event.target.value)}>
            {optional && <option value="">None</option>}
            {fields.map((candidate) => (
              <option key={candidate.name} value={candidate.name}>
                {candidate.label}
              </option>
            ))}
          </select>
        </div>
        {draft && field?.kind === 'number' && (
          <div role="radiogroup" aria-label={`Values ${number} as`} className="flex gap-3 pb-1.5 text-sm">
            {(['list', 'range'] as const).map((mode) => (
              <label key={mode} className="flex items-center gap-1">
                <input type="radio" name={`${id}-mode`} checked={draft.mode === mode} onChange={() => onChange({ ...draft, mode })} />
                {mode === 'list' ? 'List' : 'Range'}
              </label>
            ))}
          </div>
        )}
      </div>
      {draft && field && (draft.mode === 'range' && field.kind === 'number' ? (
        <div className="flex flex-wrap gap-2">
          {input('from', 'From', 'w-28')}
          {input('to', 'To', 'w-28')}
          {input('steps', 'Steps', 'w-20')}
        </div>
      ) : (
        input('list', `Values ${number}`, 'w-full')
      ))}
      {parsed && parsed.values.length > 0 && (
        <ul aria-label={`Axis ${number} values`} className="flex flex-wrap gap-1">
          {parsed.values.map((value) => (
            <li key={String(value)} className="rounded-full border border-line bg-ink px-2 py-0.5 font-mono text-xs">
              {String(value)}
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  )
}
