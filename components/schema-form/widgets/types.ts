import type { FieldDescriptor } from '@/lib/schema'

export interface WidgetProps<F extends FieldDescriptor = FieldDescriptor> {
  field: F
  /** The field's path in the form values, e.g. `num_frames` or `loras.0.scale`. */
  path: string
  /** Accessible name when the visible label alone would be ambiguous (fields inside a list). */
  ariaLabel?: string
}
