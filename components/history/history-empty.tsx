import Link from 'next/link'
import type { ReactNode } from 'react'
import { historyHref, isFiltered, type HistoryQuery } from './history-query'

function Notice({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div data-testid="history-notice" className="mt-8 rounded-lg border border-dashed border-line px-6 py-16 text-center">
      <h2 className="text-lg font-medium">{title}</h2>
      <div className="mt-2 text-sm text-muted">{children}</div>
    </div>
  )
}

const link = 'text-accent underline'

/** No takes on this page: none yet, none matching the filters, or none older. */
export function HistoryEmpty({ query }: { query: HistoryQuery }) {
  if (query.cursor) {
    return (
      <Notice title="No older takes">
        <Link href={historyHref(query, { cursor: undefined })} className={link}>
          Back to the newest
        </Link>
      </Notice>
    )
  }
  if (isFiltered(query)) {
    return (
      <Notice title="No takes match these filters">
        <Link href={historyHref({ size: query.size })} className={link}>
          Clear the filters
        </Link>{' '}
        to see every take.
      </Notice>
    )
  }
  return (
    <Notice title="No takes yet">
      Every video you generate is kept here.{' '}
      <Link href="/" className={link}>
        Pick a model
      </Link>{' '}
      to make your first take.
    </Notice>
  )
}

/** The address carried a cursor that no page gave out (edited, truncated, or from another studio). */
export function HistoryBadCursor({ query }: { query: HistoryQuery }) {
  return (
    <Notice title="This page of the history cannot be found">
      The link to it looks damaged.{' '}
      <Link href={historyHref(query, { cursor: undefined })} className={link}>
        Start again from the newest takes
      </Link>
      .
    </Notice>
  )
}
