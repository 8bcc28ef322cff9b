import type { LifecycleNote } from '@/lib/endpoints/lifecycle'

function whatFalSays(note: LifecycleNote): string {
  return note.status === 'unlisted' ? `fal no longer lists it (first seen on ${note.noticed})` : `fal lists it as deprecated (since ${note.noticed})`
}

/** On a playground page: the endpoint may have been retired by fal, as the last `npm run catalog:refresh` found. */
export function RetiredNotice({ note }: { note: LifecycleNote }) {
  return (
    <div role="status" data-testid="retired-notice" data-lifecycle={note.status} className="mt-4 rounded-md border border-amber-500/40 bg-amber-500/10 p-3 text-sm">
      <p className="font-medium text-amber-300">This endpoint may have been retired</p>
      <p className="mt-1 text-slate-300">
        {whatFalSays(note)}. A take may be refused when it is submitted; the form and the price are those fal last published.
      </p>
    </div>
  )
}

/** A small mark for the same, where endpoints are listed (the model picker). */
export function RetiredBadge({ note }: { note: LifecycleNote }) {
  return (
    <span data-testid="retired-badge" title={`${whatFalSays(note)}.`} className="shrink-0 rounded-full border border-amber-500/40 px-2 py-0.5 text-xs text-amber-300">
      possibly retired
    </span>
  )
}
