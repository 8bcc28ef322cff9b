'use client'
import { useState, type ReactNode } from 'react'
import type { FieldDescriptor } from '@/lib/schema'
import { FieldWidget, prefetchWidgets } from './field-widget'

interface SchemaFieldsProps {
  fields: FieldDescriptor[]
  additionalOpen: boolean
  onAdditionalOpenChange: (open: boolean) => void
  /** Controls shown right under a field, by field name (e.g. the seed's). */
  extras?: Partial<Record<string, ReactNode>>
}

function Field({ field, extra }: { field: FieldDescriptor; extra: ReactNode }) {
  if (!extra) return <FieldWidget field={field} path={field.name} />
  return (
    <div className="space-y-2">
      <FieldWidget field={field} path={field.name} />
      {extra}
    </div>
  )
}

/** The prompt, required and media fields first; everything else under "Additional settings". */
export function SchemaFields({ fields, additionalOpen, onAdditionalOpenChange, extras }: SchemaFieldsProps) {
  const main = fields.filter((field) => field.group === 'main')
  const additional = fields.filter((field) => field.group === 'additional')
  const [additionalShown, setAdditionalShown] = useState(additionalOpen)
  if (additionalOpen && !additionalShown) setAdditionalShown(true)
  return (
    <div className="space-y-5">
      {main.map((field) => (
        <Field key={field.name} field={field} extra={extras?.[field.name]} />
      ))}
      {additional.length > 0 && (
        <details
          open={additionalOpen}
          onToggle={(event) => onAdditionalOpenChange(event.currentTarget.open)}
          className="rounded-lg border border-line"
        >
          <summary className="cursor-pointer select-none px-4 py-3 text-sm font-medium" onPointerEnter={prefetchWidgets} onFocus={prefetchWidgets}>
            Additional settings <span className="text-muted">({additional.length})</span>
          </summary>
          <div className="space-y-5 border-t border-line p-4">
            {/* Drawn once first opened: until then its values live in the form alone, and its widgets are not fetched. */}
            {additionalShown && additional.map((field) => <Field key={field.name} field={field} extra={extras?.[field.name]} />)}
          </div>
        </details>
      )}
    </div>
  )
}
