import clsx from 'clsx'
import { useController } from 'react-hook-form'
import type { SelectField } from '@/lib/schema/fields'
import { controlClass } from '@/components/ui/styles'
import { FieldFrame } from '../field-frame'
import { controlId, describedBy } from '../ids'
import type { WidgetProps } from './types'

/** Enum options may be numbers; the select works on their index and hands back the typed value. */
export function SelectWidget({ field, path, ariaLabel }: WidgetProps<SelectField>) {
  const { field: control, fieldState } = useController({ name: path })
  const { name, ref, value: current, onChange, onBlur } = control
  const error = fieldState.error?.message
  const index = field.options.findIndex((option) => option === current)
  const unset = !field.required && field.defaultValue === undefined
  return (
    <FieldFrame field={field} path={path} error={error}>
      <select
        id={controlId(path)}
        name={name}
        ref={ref}
        aria-label={ariaLabel}
        value={index === -1 ? '' : String(index)}
        onChange={(event) =>
          onChange(event.target.value === '' ? undefined : field.options[Number(event.target.value)])
        }
        onBlur={onBlur}
        aria-required={field.required || undefined}
        aria-invalid={Boolean(error)}
        aria-describedby={describedBy(path, Boolean(error))}
        className={clsx(controlClass, 'w-full')}
      >
        {(unset || index === -1) && <option value="">{unset ? 'Not set' : 'Choose…'}</option>}
        {field.options.map((option, i) => (
          <option key={String(option)} value={String(i)}>
            {String(option)}
          </option>
        ))}
      </select>
    </FieldFrame>
  )
}
