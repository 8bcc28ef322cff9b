import type { BatchRequest } from '@/lib/batches/batch-rows'
import type { SweepRequest } from './sweep-plan'
import type { CreatedSweep, SweepProblem, SweepView } from './sweep-view'

/** A refusal of the sweep API, with the field it is about when there is one. */
export class SweepApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'SweepApiError'
  }
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: init?.body ? { 'content-type': 'application/json' } : undefined, cache: 'no-store' })
  const body = (await response.json().catch(() => null)) as (SweepProblem & Partial<T>) | null
  if (!response.ok) throw new SweepApiError(response.status, body?.detail ?? `The server answered ${response.status}`, body?.field)
  return body as T
}

export const createSweep = (request: SweepRequest) => call<CreatedSweep>('/api/sweeps', { method: 'POST', body: JSON.stringify(request) })
export const createBatch = (request: BatchRequest) => call<CreatedSweep>('/api/batches', { method: 'POST', body: JSON.stringify(request) })

/** What `POST /api/sweeps/<id>/stop` answers: what stopping did, and the sweep after. */
export interface StoppedSweep {
  cancelled: number
  notSubmitted: number
  savedUsd: number
  sweep: SweepView | null
}

export const stopSweep = (id: string) => call<StoppedSweep>(`/api/sweeps/${encodeURIComponent(id)}/stop`, { method: 'POST' })
