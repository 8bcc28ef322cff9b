import { lazy, Suspense, useRef, useState } from 'react'
import { useFieldArray, useFormState } from 'react-hook-form'
import type { ListField } from '@/lib/schema'
import { initialValues } from '@/lib/schema/payload'
import { isLoraList } from '@/lib/loras/lora-list'
import { Button, buttonVariants } from '@/components/ui/button'
import { FieldFrame } from '../field-frame'
import { FieldWidget } from '../field-widget'
import { controlId } from '../ids'
import type { WidgetProps } from './types'

// A LoRA list's library picker and row notes load on first use (the picker's first opening, a row's
// first appearance): the playground's first load carries neither.
const LoraPicker = lazy(() => import('@/components/loras/lora-picker').then((module) => ({ default: module.LoraPicker })))
const LoraRowNote = lazy(() => import('@/components/loras/lora-row-note').then((module) => ({ default: module.LoraRowNote })))

/** An editable list of objects (e.g. LoRAs: path + scale), each item edited with its own fields. */
export function ListWidget({ field, path, ariaLabel }: WidgetProps<ListField>) {
  const { fields: items, append, remove } = useFieldArray({ name: path })
  const { errors } = useFormState({ name: path })
  const ownError = (errors[path] as { message?: string; root?: { message?: string } } | undefined)
  const error = ownError?.message ?? ownError?.root?.message
  const label = ariaLabel ?? field.label
  const full = field.maxItems !== undefined && items.length >= field.maxItems
  const id = controlId(path)
  const loraList = isLoraList(field)
  const pickerButton = useRef<HTMLButtonElement>(null)
  const [picker, setPicker] = useState<'unloaded' | 'open' | 'closed'>('unloaded')
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
            {loraList && (
              <Suspense fallback={null}>
                <LoraRowNote path={`${path}.${index}.path`} rowLabel={`${label} ${index + 1}`} />
              </Suspense>
            )}
          </fieldset>
        ))}
        <div className="flex flex-wrap gap-2">
          <Button size="sm" disabled={full} onClick={() => append(initialValues(field.itemFields))}>
            Add to {label}
          </Button>
          {loraList && (
            <button type="button" ref={pickerButton} className={buttonVariants({ size: 'sm' })} disabled={full} onClick={() => setPicker('open')}>
              Pick from library
            </button>
          )}
        </div>
        {picker !== 'unloaded' && (
          <Suspense fallback={null}>
            <LoraPicker path={path} full={full} append={append} open={picker === 'open'} onOpenChange={(open) => setPicker(open ? 'open' : 'closed')} returnFocus={pickerButton} />
          </Suspense>
        )}
      </div>
    </FieldFrame>
  )
}
