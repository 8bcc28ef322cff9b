import clsx from 'clsx'
import { useController } from 'react-hook-form'
import type { SwitchField } from '@/lib/schema/fields'
import { FieldFrame } from '../field-frame'
import { controlId, describedBy } from '../ids'
import type { WidgetProps } from './types'

export function SwitchWidget({ field, path, ariaLabel }: WidgetProps<SwitchField>) {
  const { field: control, fieldState } = useController({ name: path })
  const { ref, value: current, onChange, onBlur } = control
  const error = fieldState.error?.message
  const on = current === true
  return (
    <FieldFrame field={field} path={path} error={error}>
      <button
        type="button"
        role="switch"
        id={controlId(path)}
        ref={ref}
        aria-label={ariaLabel}
        aria-checked={on}
        aria-required={field.required || undefined}
        aria-invalid={Boolean(error)}
        aria-describedby={describedBy(path, Boolean(error))}
        onClick={() => onChange(!on)}
        onBlur={onBlur}
        className={clsx(
          'relative inline-flex h-5 w-9 shrink-0 items-center rounded-full border border-line transition',
          on ? 'bg-accent' : 'bg-line',
        )}
      >
        <span
          className={clsx('inline-block h-3.5 w-3.5 rounded-full bg-white transition', on ? 'translate-x-4' : 'translate-x-0.5')}
        />
        <span className="sr-only">{on ? 'On' : 'Off'}</span>
      </button>
    </FieldFrame>
  )
}
