import clsx from 'clsx'
import { useController } from 'react-hook-form'
import type { NumberField } from '@/lib/schema'
import { controlClass } from '@/components/ui/styles'
import { FieldFrame } from '../field-frame'
import { controlId, describedBy } from '../ids'
import type { WidgetProps } from './types'
import { exactIntegerFromText, isUnsafeIntegerDigits } from '@/lib/json/exact-integer'

function clamp(value: number, min: number, max: number) {
  return Math.min(max, Math.max(min, value))
}

/**
 * What a typed number is worth: an integer field keeps every digit (an exact integer, so a 64-bit
 * seed is not rounded by `valueAsNumber`); anything else is the browser's number, which the
 * validator judges ("1.5" in an integer field).
 */
function valueOfInput(input: HTMLInputElement, integer: boolean) {
  if (input.value === '') return undefined
  return (integer ? exactIntegerFromText(input.value) : undefined) ?? input.valueAsNumber
}

/** A number box, with a slider beside it when the range is bounded on both sides. */
export function NumberWidget({ field, path, ariaLabel }: WidgetProps<NumberField>) {
  const { field: control, fieldState } = useController({ name: path })
  const { name, ref, value: current, onChange, onBlur } = control
  const error = fieldState.error?.message
  const value = (typeof current === 'number' && !Number.isNaN(current)) || isUnsafeIntegerDigits(current) ? current : undefined
  const label = ariaLabel ?? field.label
  const sliderValue = value !== undefined ? Number(value) : typeof field.defaultValue === 'number' ? field.defaultValue : (field.min ?? 0)
  const bounded = field.min !== undefined && field.max !== undefined
  return (
    <FieldFrame field={field} path={path} error={error}>
      <div className="flex items-center gap-3">
        {bounded && (
          <input
            type="range"
            aria-label={`${label} slider`}
            min={field.min}
            max={field.max}
            step={field.step}
            value={clamp(sliderValue, field.min!, field.max!)}
            onChange={(event) => onChange(event.target.valueAsNumber)}
            onBlur={onBlur}
            className="h-1.5 flex-1 accent-[var(--color-accent)]"
          />
        )}
        <input
          type="number"
          id={controlId(path)}
          name={name}
          ref={ref}
          aria-label={ariaLabel}
          inputMode={field.integer ? 'numeric' : 'decimal'}
          step={field.integer ? 1 : 'any'}
          placeholder={field.defaultValue === undefined ? 'not set' : String(field.defaultValue)}
          value={value ?? ''}
          onChange={(event) => onChange(valueOfInput(event.target, field.integer))}
          onBlur={onBlur}
          aria-required={field.required || undefined}
          aria-invalid={Boolean(error)}
          aria-describedby={describedBy(path, Boolean(error))}
          className={clsx(controlClass, bounded ? 'w-28 shrink-0' : 'w-full')}
        />
      </div>
    </FieldFrame>
  )
}
