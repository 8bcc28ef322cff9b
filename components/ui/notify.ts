/**
 * The studio's toasts: short notes that something happened (copied, deleted, saved). Any component
 * can post one; the first one loads the toaster (Radix Toast, in a root of its own at the end of the
 * page), so no page's first load carries it.
 */
export interface Note {
  id: number
  title: string
  description?: string
  tone: 'done' | 'problem'
}

type Listener = (notes: readonly Note[]) => void

let notes: readonly Note[] = []
let nextId = 1
let toasterLoading: Promise<unknown> | null = null
const listeners = new Set<Listener>()

function publish(next: readonly Note[]) {
  notes = next
  for (const listener of listeners) listener(notes)
}

/** Shows a toast. */
export function notify(title: string, { description, tone = 'done' }: { description?: string; tone?: Note['tone'] } = {}): void {
  publish([...notes, { id: nextId++, title, tone, ...(description ? { description } : {}) }])
  toasterLoading ??= import('./toaster').then((module) => module.mountToaster())
}

/** Removes a toast (it closed, by time or by hand). */
export function dismiss(id: number): void {
  publish(notes.filter((note) => note.id !== id))
}

/** Calls `listener` with the toasts now and on every change; returns the unsubscribe. */
export function subscribe(listener: Listener): () => void {
  listeners.add(listener)
  listener(notes)
  return () => listeners.delete(listener)
}
