import Link from 'next/link'
import { historyHref, type HistoryQuery } from './history-query'

/** Keyset pages: "Older takes" continues after this page's last take; "Newest" starts over. */
export function HistoryPagination({ query, nextCursor }: { query: HistoryQuery; nextCursor: string | null }) {
  if (!query.cursor && !nextCursor) return null
  const linkClass = 'rounded-md border border-line bg-panel px-3 py-1.5 text-sm hover:border-accent'
  return (
    <nav aria-label="Pages" className="mt-8 flex items-center justify-between gap-3">
      {query.cursor ? (
        <Link href={historyHref(query, { cursor: undefined })} className={linkClass}>
          ← Newest
        </Link>
      ) : (
        <span />
      )}
      {nextCursor && (
        <Link href={historyHref(query, { cursor: nextCursor })} className={linkClass}>
          Older takes →
        </Link>
      )}
    </nav>
  )
}
