import type { DifferingParameter } from '@/lib/takes/compare'
import { ENDPOINT_ROW } from '@/lib/takes/compare'
import { endpointTitleOf } from '@/components/takes/take-text'
import { compareValueText } from './compare-value'

/** The parameters that differ: one row each, one column per take. */
export function CompareDiffTable({ rows, takeCount }: { rows: DifferingParameter[]; takeCount: number }) {
  return (
    <section aria-labelledby="compare-diff-title" className="rounded-lg border border-line bg-panel p-4">
      <h2 id="compare-diff-title" className="text-sm font-medium">
        Parameters that differ
      </h2>
      {rows.length === 0 ? (
        <p data-testid="compare-no-diff" className="mt-2 text-sm text-muted">
          No parameters differ: the takes were asked for the same thing.
        </p>
      ) : (
        <div className="mt-3 overflow-x-auto" role="region" aria-label="Parameters that differ" tabIndex={0}>
          <table data-testid="compare-diff-table" className="w-full text-left text-sm">
            <thead className="text-xs text-muted">
              <tr>
                <th scope="col" className="py-1 pr-4 font-normal">
                  Parameter
                </th>
                {Array.from({ length: takeCount }, (_, index) => (
                  <th key={index} scope="col" className="py-1 pr-4 font-normal">
                    Take {index + 1}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.name} data-param={row.name} className="border-t border-line align-top">
                  <th scope="row" className="py-2 pr-4 font-normal">
                    <span className="block">{row.label}</span>
                    <span className="block font-mono text-xs text-muted">{row.name}</span>
                  </th>
                  {row.values.map((value, index) => (
                    <td key={index} data-testid="compare-value" className="py-2 pr-4 font-mono text-xs break-all whitespace-pre-wrap">
                      {row.name === ENDPOINT_ROW && typeof value === 'string' ? endpointTitleOf(value) : compareValueText(value)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="mt-3 text-xs text-muted">Values are as the takes ran: fields left out took the endpoint’s defaults.</p>
    </section>
  )
}
