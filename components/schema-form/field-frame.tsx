import type { ReactNode } from 'react'
import type { FieldDescriptor } from '@/lib/schema'
import { rangeText } from '@/lib/schema/fields'
import { controlId } from './ids'
import { formatValue, helpText } from './format'

interface FieldFrameProps {
  field: FieldDescriptor
  path: string
  error?: string
  /** Something worth knowing that does not block Run (shown when there is no error). */
  warning?: string
  /** False when the control is not a labelable element and uses aria-labelledby instead. */
  labelFor?: boolean
  children: ReactNode
}

/** Label, name, help, default, range and error around one field's control. */
export function FieldFrame({ field, path, error, warning, labelFor = true, children }: FieldFrameProps) {
  const id = controlId(path)
  const range = field.kind === 'number' ? rangeText(field) : undefined
  const help = helpText(field.help)
  const defaultText = field.defaultValue === undefined ? undefined : formatValue(field.defaultValue)
  return (
    <div data-field={path} className="space-y-1.5">
      <div className="flex items-baseline justify-between gap-2">
        <span className="text-sm font-medium">
          {labelFor ? (
            <label htmlFor={id} id={`${id}-label`}>
              {field.label}
            </label>
          ) : (
            <span id={`${id}-label`}>{field.label}</span>
          )}
          {field.required && (
            <span className="text-danger" title="Required">
              {' '}*
            </span>
          )}
        </span>
        <code className="truncate font-mono text-[11px] text-muted">{field.name}</code>
      </div>
      {children}
      <div id={`${id}-help`} className="space-y-0.5 text-xs text-muted">
        {help && <p>{help}</p>}
        {(defaultText !== undefined || range) && (
          <p>
            {defaultText !== undefined && (
              <span title={typeof field.defaultValue === 'string' ? field.defaultValue : undefined}>
                Default: <span className="font-mono text-slate-300">{defaultText}</span>
              </span>
            )}
            {defaultText !== undefined && range && ' · '}
            {range && (
              <span>
                Range: <span className="font-mono text-slate-300">{range}</span>
              </span>
            )}
          </p>
        )}
      </div>
      {error ? (
        <p id={`${id}-error`} role="alert" className="text-xs text-danger">
          {error}
        </p>
      ) : (
        warning && (
          <p id={`${id}-warning`} role="status" data-testid={`warning-${path}`} className="text-xs text-amber-300">
            {warning}
          </p>
        )
      )}
    </div>
  )
}
