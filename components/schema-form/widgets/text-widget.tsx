import { useController } from 'react-hook-form'
import type { TextField } from '@/lib/schema/fields'
import { controlClass } from '@/components/ui/styles'
import { FieldFrame } from '../field-frame'
import { controlId, describedBy } from '../ids'
import type { WidgetProps } from './types'

export function TextWidget({ field, path, ariaLabel }: WidgetProps<TextField>) {
  const { field: control, fieldState } = useController({ name: path })
  const { name, ref, value: current, onChange, onBlur } = control
  const error = fieldState.error?.message
  const common = {
    id: controlId(path),
    name: name,
    ref: ref,
    value: typeof current === 'string' ? current : '',
    onChange: (event: { target: { value: string } }) => onChange(event.target.value),
    onBlur: onBlur,
    'aria-label': ariaLabel,
    'aria-required': field.required || undefined,
    'aria-invalid': Boolean(error),
    'aria-describedby': describedBy(path, Boolean(error)),
    className: `${controlClass} w-full`,
  }
  return (
    <FieldFrame field={field} path={path} error={error}>
      {field.kind === 'textarea' ? <textarea rows={field.name === 'prompt' ? 4 : 3} {...common} /> : <input type="text" {...common} />}
    </FieldFrame>
  )
}
