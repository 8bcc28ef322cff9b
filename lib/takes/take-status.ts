/**
 * A take's status, the one vocabulary from the database to the page: fal's queue statuses, and the
 * two ends fal folds into COMPLETED (a failed or a cancelled run).
 */
export const TAKE_STATUSES = ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'] as const
export type TakeStatus = (typeof TAKE_STATUSES)[number]

/** Statuses a take can still leave: the server follower watches these. */
export const UNFINISHED_STATUSES = ['IN_QUEUE', 'IN_PROGRESS'] as const satisfies readonly TakeStatus[]

export const FINISHED_STATUSES: ReadonlySet<TakeStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELLED'])

export function isTakeStatus(value: unknown): value is TakeStatus {
  return (TAKE_STATUSES as readonly unknown[]).includes(value)
}
