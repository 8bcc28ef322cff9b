'use client'
import type { SweepView } from '@/lib/sweeps/sweep-view'
import { SweepCell } from '@/components/sweep-grid/sweep-cell'
import { axisValueText, type FieldLabels } from '@/components/sweep-grid/sweep-text'

/** "Prompt = a kite, Guidance Scale = 3": the fields a batch row set. */
export function rowValuesText(labels: FieldLabels, values: SweepView['cells'][number]['values']): string {
  return Object.entries(values)
    .map(([field, value]) => axisValueText(labels, field, value))
    .join(', ')
}

/** A batch's takes as a list, one per row: the row's values, then its take's player or status. */
export function BatchList({ batch, labels }: { batch: SweepView; labels: FieldLabels }) {
  return (
    <ol data-testid="batch-list" aria-label="Batch takes" className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
      {batch.cells.map((cell) => {
        const valuesText = rowValuesText(labels, cell.values)
        return (
          <li key={cell.index} data-testid="batch-row" data-index={cell.index} className="grid content-start gap-2 rounded border border-line p-2">
            <p className="text-xs">
              <span className="font-medium">Row {cell.index + 1}</span> <span className="break-words text-muted">{valuesText}</span>
            </p>
            <SweepCell
              index={cell.index}
              take={cell.take}
              submitted={cell.submitted}
              stopped={batch.status === 'STOPPED'}
              running={batch.status === 'RUNNING'}
              valuesText={`Row ${cell.index + 1}: ${valuesText}`}
            />
          </li>
        )
      })}
    </ol>
  )
}
