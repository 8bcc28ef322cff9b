import type { ComponentType } from 'react'
import type { FieldDescriptor, FieldKind } from '@/lib/schema'
import { ListWidget } from './widgets/list-widget'
import { MediaWidget } from './widgets/media-widget'
import { NumberWidget } from './widgets/number-widget'
import { SelectWidget } from './widgets/select-widget'
import { SizeWidget } from './widgets/size-widget'
import { SwitchWidget } from './widgets/switch-widget'
import { TextWidget } from './widgets/text-widget'
import type { WidgetProps } from './widgets/types'

type Registry = { [K in FieldKind]: ComponentType<WidgetProps<Extract<FieldDescriptor, { kind: K }>>> }

/** Which widget edits which kind of field. The form is a loop over descriptors, not a switch. */
const WIDGETS: Registry = {
  text: TextWidget,
  textarea: TextWidget,
  media: MediaWidget,
  number: NumberWidget,
  select: SelectWidget,
  switch: SwitchWidget,
  size: SizeWidget,
  list: ListWidget,
}

export function FieldWidget({ field, path, ariaLabel }: WidgetProps) {
  const Widget = WIDGETS[field.kind] as ComponentType<WidgetProps>
  return <Widget field={field} path={path} ariaLabel={ariaLabel} />
}
