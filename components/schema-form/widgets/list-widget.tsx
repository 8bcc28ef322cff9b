import { useFieldArray, useFormState } from 'react-hook-form'
import type { ListField } from '@/lib/schema'
import { initialValues } from '@/lib/schema/payload'
import { Button } from '@/components/ui/button'
import { FieldFrame } from '../field-frame'
import { FieldWidget } from '../field-widget'
import { controlId } from '../ids'
import type { WidgetProps } from './types'

/** An editable list of objects (e.g. LoRAs: path + scale), each item edited with its own fields. */
export function ListWidget({ field, path, ariaLabel }: WidgetProps<ListField>) {
  const { fields: items, append, remove } = useFieldArray({ name: path })
  const { errors } = useFormState({ name: path })
  const ownError = (errors[path] as { message?: string; root?: { message?: string } } | undefined)
  const error = ownError?.message ?? ownError?.root?.message
  const label = ariaLabel ?? field.label
  const full = field.maxItems !== undefined && items.length >= field.maxItems
  const id = controlId(path)
  return (
    <FieldFrame field={field} path={path} error={error} labelFor={false}>
      <div role="group" id={id} aria-labelledby={`${id}-label`} aria-describedby={`${id}-help`} className="space-y-2">
        {items.length === 0 && <p className="text-xs text-muted">No items.</p>}
        {items.map((item, index) => (
          <fieldset key={item.id} className="space-y-3 rounded-md border border-line p-3">
            <div className="flex items-center justify-between">
              <legend className="text-xs text-muted">
                {label} {index + 1}
              </legend>
              <Button variant="danger" size="sm" aria-label={`Remove ${label} ${index + 1}`} onClick={() => remove(index)}>
                Remove
              </Button>
            </div>
            {field.itemFields.map((itemField) => (
              <FieldWidget
                key={itemField.name}
                field={itemField}
                path={`${path}.${index}.${itemField.name}`}
                ariaLabel={`${label} ${index + 1} ${itemField.label}`}
              />
            ))}
          </fieldset>
        ))}
        <Button size="sm" disabled={full} onClick={() => append(initialValues(field.itemFields))}>
          Add to {label}
        </Button>
      </div>
    </FieldFrame>
  )
}
