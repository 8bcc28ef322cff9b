import type { BatchRequest } from '@/lib/batches/batch-rows'
import type { SweepRequest } from './sweep-plan'
import type { CreatedSweep, SweepView } from './sweep-view'
import { callStudioApi } from '@/lib/http/studio-api'


export const createSweep = (request: SweepRequest) => callStudioApi<CreatedSweep>('/api/sweeps', { method: 'POST', body: JSON.stringify(request) })
export const createBatch = (request: BatchRequest) => callStudioApi<CreatedSweep>('/api/batches', { method: 'POST', body: JSON.stringify(request) })

/** What `POST /api/sweeps/<id>/stop` answers: what stopping did, and the sweep after. */
export interface StoppedSweep {
  cancelled: number
  notSubmitted: number
  savedUsd: number
  sweep: SweepView | null
}

export const stopSweep = (id: string) => callStudioApi<StoppedSweep>(`/api/sweeps/${encodeURIComponent(id)}/stop`, { method: 'POST' })
