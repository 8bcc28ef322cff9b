import Link from 'next/link'
import type { ReactNode } from 'react'

/** Why there is nothing to compare, with the way back to the history. */
export function CompareNotice({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div data-testid="compare-notice" className="mt-8 rounded-lg border border-dashed border-line px-6 py-16 text-center">
      <h2 className="text-lg font-medium">{title}</h2>
      <div className="mt-2 text-sm text-muted">{children}</div>
      <Link href="/takes" className="mt-4 inline-block text-sm text-accent underline">
        Pick takes in the history
      </Link>
    </div>
  )
}
