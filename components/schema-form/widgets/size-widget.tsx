import clsx from 'clsx'
import { useController } from 'react-hook-form'
import type { SizeField } from '@/lib/schema'
import { controlClass } from '@/components/ui/styles'
import { FieldFrame } from '../field-frame'
import { controlId, describedBy } from '../ids'
import type { WidgetProps } from './types'

const CUSTOM = '__custom__'

type Size = Record<string, number | undefined>

/** A preset picker, with width and height boxes when "Custom size" is chosen. */
export function SizeWidget({ field, path, ariaLabel }: WidgetProps<SizeField>) {
  const { field: control, fieldState } = useController({ name: path })
  const { ref, value: current, onChange, onBlur } = control
  const error = fieldState.error?.message
  const label = ariaLabel ?? field.label
  const value: unknown = current
  const custom = typeof value === 'object' && value !== null ? (value as Size) : undefined
  const selected = custom ? CUSTOM : typeof value === 'string' ? value : ''

  function choose(next: string) {
    if (next === '') return onChange(undefined)
    if (next !== CUSTOM) return onChange(next)
    onChange(
      Object.fromEntries(
        field.dimensions.map((dimension) => [dimension.name, typeof dimension.defaultValue === 'number' ? dimension.defaultValue : 512]),
      ),
    )
  }

  return (
    <FieldFrame field={field} path={path} error={error}>
      <select
        id={controlId(path)}
        ref={ref}
        aria-label={ariaLabel}
        value={selected}
        onChange={(event) => choose(event.target.value)}
        onBlur={onBlur}
        aria-required={field.required || undefined}
        aria-invalid={Boolean(error)}
        aria-describedby={describedBy(path, Boolean(error))}
        className={clsx(controlClass, 'w-full')}
      >
        {selected === '' && <option value="">Not set</option>}
        {field.presets.map((preset) => (
          <option key={preset} value={preset}>
            {preset}
          </option>
        ))}
        <option value={CUSTOM}>Custom size…</option>
      </select>
      {custom && (
        <div className="flex items-center gap-2">
          {field.dimensions.map((dimension, i) => (
            <label key={dimension.name} className="flex flex-1 items-center gap-2 text-xs text-muted">
              {i > 0 && <span aria-hidden>×</span>}
              <input
                type="number"
                step={1}
                aria-label={`${label} ${dimension.name}`}
                value={custom[dimension.name] ?? ''}
                onChange={(event) =>
                  onChange({
                    ...custom,
                    [dimension.name]: event.target.value === '' ? undefined : event.target.valueAsNumber,
                  })
                }
                onBlur={onBlur}
                className={clsx(controlClass, 'w-full')}
              />
              <span>{dimension.name}</span>
            </label>
          ))}
        </div>
      )}
    </FieldFrame>
  )
}
