import type { Payload } from '@/lib/schema'
import type { TakeView } from '@/lib/takes/take-view'
import type { SweepAxis } from './sweep-plan'
import type { ExactInteger } from '@/lib/json/exact-integer'

/** RUNNING: takes are still being submitted or followed. DONE: every take has ended. STOPPED: the rest was not submitted. */
export const SWEEP_STATUSES = ['RUNNING', 'DONE', 'STOPPED'] as const
export type SweepStatus = (typeof SWEEP_STATUSES)[number]

/** A cell's take, without its logs (the grid shows status and player, not logs). */
export type SweepCellTake = Omit<TakeView, 'logs'>

export interface SweepCellView {
  index: number
  /** The cell's own values: a sweep's swept fields, or a batch row's fields. */
  values: Payload
  /** Whether the server has submitted this cell (false: waiting, or skipped when the sweep stopped). */
  submitted: boolean
  /** Null until the server submits the cell's take (or after the take was deleted). */
  take: SweepCellTake | null
}

/** A sweep as `GET /api/sweeps/<id>` answers it. */
export interface SweepView {
  id: string
  /** A sweep varies fields along its axes; a batch runs one take per row. */
  kind: 'sweep' | 'batch'
  endpointId: string
  status: SweepStatus
  /** First axis: rows; second axis (if any): columns. [] for a batch. */
  axes: SweepAxis[]
  /** The base input every take starts from. */
  input: Payload
  /** The shared seed (or the first of the varied ones), an exact integer; null when the endpoint has no seed. */
  seed: ExactInteger | null
  varySeed: boolean
  concurrency: number
  /** The sum of every cell's estimate, as announced before the sweep ran. */
  estimateUsd: number
  /** What stopping it saved (cells never submitted, takes cancelled before they ran); null unless stopped. */
  savedUsd: number | null
  createdAt: string
  cells: SweepCellView[]
}

/** What `POST /api/sweeps` answers. */
export interface CreatedSweep {
  id: string
  url: string
  count: number
  estimateUsd: number
}

/** A refusal of the sweep API; `field` names the form field (or sweep setting) it is about. */
export interface SweepProblem {
  detail: string
  field?: string
}

export function sweepPath(id: string): string {
  return `/sweeps/${encodeURIComponent(id)}`
}

export function batchPath(id: string): string {
  return `/batches/${encodeURIComponent(id)}`
}

/** Where "Download all" fetches the zip of a sweep's or batch's videos and parameters. */
export function sweepZipPath(id: string): string {
  return `/api/sweeps/${encodeURIComponent(id)}/download`
}

/** Whether the sweep can still change: it still submits takes, or some take has not ended. */
export function sweepIsLive(sweep: Pick<SweepView, 'status' | 'cells'>): boolean {
  if (sweep.status === 'RUNNING') return true
  return sweep.cells.some((cell) => cell.take !== null && (cell.take.status === 'IN_QUEUE' || cell.take.status === 'IN_PROGRESS'))
}
