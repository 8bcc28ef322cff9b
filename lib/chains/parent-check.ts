import type { TakeStatus } from '@/lib/takes/take-status'

/** What a continued take's parent must be: a take that exists and completed (its output is what was continued). */
export function parentProblem(parent: { status: TakeStatus } | null): string | null {
  if (!parent) return 'The take this one continues does not exist (or was deleted).'
  if (parent.status !== 'COMPLETED') return 'The take this one continues has not completed, so there is nothing to continue.'
  return null
}

const TAKE_ID = /^[A-Za-z0-9_-]{1,64}$/

/** A parent take id as a header carries it: trimmed, of a take id's characters; null when absent or malformed. */
export function parseParentTakeId(raw: string | null | undefined): { id: string } | { malformed: true } | null {
  const value = raw?.trim()
  if (!value) return null
  return TAKE_ID.test(value) ? { id: value } : { malformed: true }
}
