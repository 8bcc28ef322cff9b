import type { JsonValue, Payload } from '@/lib/schema'
import type { SweepAxis } from '@/lib/sweeps/sweep-plan'
import type { SweepStatus, SweepView } from '@/lib/sweeps/sweep-view'

/** Human labels of the swept fields, by field name (computed on the server from the endpoint's schema). */
export type FieldLabels = Record<string, string>

export function labelOf(labels: FieldLabels, field: string): string {
  return labels[field] ?? field
}

/** "Guidance scale = 2" */
export function axisValueText(labels: FieldLabels, field: string, value: JsonValue | undefined): string {
  return `${labelOf(labels, field)} = ${String(value)}`
}

/** A cell's values in axis order: "Steps = 8, Guidance = 2". */
export function cellValuesText(labels: FieldLabels, axes: readonly SweepAxis[], values: Payload): string {
  return axes.map((axis) => axisValueText(labels, axis.field, values[axis.field])).join(', ')
}

/** "Number of inference steps × Guidance scale" */
export function sweptFieldsText(labels: FieldLabels, axes: readonly SweepAxis[]): string {
  return axes.map((axis) => labelOf(labels, axis.field)).join(' × ')
}

export function takeCountText(count: number): string {
  return `${count} take${count === 1 ? '' : 's'}`
}

export const SWEEP_STATUS_TEXT: Record<SweepStatus, string> = { RUNNING: 'Running', DONE: 'Done', STOPPED: 'Stopped' }

/** How many cells' takes have ended (completed, failed or cancelled). */
export function finishedCount(sweep: SweepView): number {
  return sweep.cells.filter((cell) => cell.take !== null && cell.take.status !== 'IN_QUEUE' && cell.take.status !== 'IN_PROGRESS').length
}
