'use client'
import { cellValues, type SweepAxis, type SweepValue } from '@/lib/sweeps/sweep-plan'
import type { SweepView } from '@/lib/sweeps/sweep-view'
import { SweepCell } from './sweep-cell'
import { axisValueText, cellValuesText, labelOf, type FieldLabels } from './sweep-text'

const HEADER = 'border border-line bg-panel px-2 py-1.5 text-left text-xs font-medium'

/** The top-left cell: which axis runs down and which across ("Steps ↓ / Guidance →"), or the one axis. */
function cornerText(labels: FieldLabels, axes: readonly SweepAxis[]): string {
  const [first, second] = axes
  if (!first) return ''
  return second ? `${labelOf(labels, first.field)} ↓ / ${labelOf(labels, second.field)} →` : `${labelOf(labels, first.field)} →`
}

/**
 * The sweep's takes as a table: the first axis's values down the rows and the second's across the
 * columns; with one axis, a single row across. Cells are row-major, like `cellValues`.
 */
export function SweepTable({ sweep, labels, caption }: { sweep: SweepView; labels: FieldLabels; caption: string }) {
  const rowAxis = sweep.axes.length === 2 ? sweep.axes[0] : undefined
  const columnAxis = sweep.axes[sweep.axes.length - 1]
  if (!columnAxis) return null
  const rows: (SweepValue | null)[] = rowAxis ? rowAxis.values : [null]
  const columns = columnAxis.values.length

  return (
    <table data-testid="sweep-grid" className="w-full min-w-max border-collapse">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <td data-testid="sweep-corner" className={`${HEADER} w-40 text-muted`}>
            {cornerText(labels, sweep.axes)}
          </td>
          {columnAxis.values.map((value, column) => (
            <th key={column} scope="col" className={HEADER}>
              {axisValueText(labels, columnAxis.field, value)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((rowValue, row) => (
          <tr key={row}>
            <th scope="row" className={`${HEADER} w-40 align-top`}>
              {rowAxis && rowValue !== null ? axisValueText(labels, rowAxis.field, rowValue) : labelOf(labels, columnAxis.field)}
            </th>
            {columnAxis.values.map((_, column) => {
              const index = row * columns + column
              const cell = sweep.cells[index]
              return (
                <td key={index} className="w-72 min-w-56 border border-line p-2 align-top">
                  <SweepCell index={index} take={cell?.take ?? null} submitted={cell?.submitted ?? false} stopped={sweep.status === 'STOPPED'} running={sweep.status === 'RUNNING'} valuesText={cellValuesText(labels, sweep.axes, cell?.values ?? cellValues(sweep.axes, index))} />
                </td>
              )
            })}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
