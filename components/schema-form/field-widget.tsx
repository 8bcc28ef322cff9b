import { lazy, Suspense, type ComponentType } from 'react'
import type { FieldDescriptor, FieldKind } from '@/lib/schema'
import { MediaWidget } from './widgets/media-widget'
import { TextWidget } from './widgets/text-widget'
import { ListWidget } from './widgets/list-widget'
import type { WidgetProps } from './widgets/types'

type Registry = { [K in FieldKind]: ComponentType<WidgetProps<Extract<FieldDescriptor, { kind: K }>>> }

// The prompt, the media and a required list (the LoRA endpoints' `loras`) are the forms' first fields
// (a list widget as a chunk of its own would be one more request on those pages); the other widgets are chunks of their own,
// fetched when a field of their kind is first shown (most sit in the collapsed "Additional
// settings"), so the playground's first load carries only what it shows.
const WIDGET_LOADERS = {
  number: () => import('./widgets/number-widget').then((module) => ({ default: module.NumberWidget })),
  select: () => import('./widgets/select-widget').then((module) => ({ default: module.SelectWidget })),
  switch: () => import('./widgets/switch-widget').then((module) => ({ default: module.SwitchWidget })),
  size: () => import('./widgets/size-widget').then((module) => ({ default: module.SizeWidget })),
}

/** Fetches the widgets the additional settings use, e.g. when the pointer reaches their summary. */
export function prefetchWidgets(): void {
  for (const load of Object.values(WIDGET_LOADERS)) void load()
}

/** Which widget edits which kind of field. The form is a loop over descriptors, not a switch. */
const WIDGETS: Registry = {
  text: TextWidget,
  textarea: TextWidget,
  media: MediaWidget,
  number: lazy(WIDGET_LOADERS.number),
  select: lazy(WIDGET_LOADERS.select),
  switch: lazy(WIDGET_LOADERS.switch),
  size: lazy(WIDGET_LOADERS.size),
  list: ListWidget,
}

export function FieldWidget({ field, path, ariaLabel }: WidgetProps) {
  const Widget = WIDGETS[field.kind] as ComponentType<WidgetProps>
  return (
    <Suspense fallback={<div className="h-14 animate-pulse rounded-md bg-line/40" aria-hidden="true" />}>
      <Widget field={field} path={path} ariaLabel={ariaLabel} />
    </Suspense>
  )
}
