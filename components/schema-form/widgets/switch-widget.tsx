import { useController } from 'react-hook-form'
import type { SwitchField } from '@/lib/schema/fields'
import { Switch } from '@/components/ui/switch'
import { FieldFrame } from '../field-frame'
import { controlId, describedBy } from '../ids'
import type { WidgetProps } from './types'

export function SwitchWidget({ field, path, ariaLabel }: WidgetProps<SwitchField>) {
  const { field: control, fieldState } = useController({ name: path })
  const { ref, value: current, onChange, onBlur } = control
  const error = fieldState.error?.message
  return (
    <FieldFrame field={field} path={path} error={error}>
      <Switch
        id={controlId(path)}
        ref={ref}
        checked={current === true}
        onCheckedChange={onChange}
        onBlur={onBlur}
        aria-label={ariaLabel}
        aria-required={field.required || undefined}
        aria-invalid={Boolean(error)}
        aria-describedby={describedBy(path, Boolean(error))}
      />
    </FieldFrame>
  )
}
