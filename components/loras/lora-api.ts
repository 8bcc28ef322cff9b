import type { LoraLibrary, LoraView } from '@/lib/loras/lora-view'
import { callStudioApi } from '@/lib/http/studio-api'


/** The library; with an endpoint id, also the base model that endpoint runs. */
export const fetchLoraLibrary = (endpointId: string | null) =>
  callStudioApi<LoraLibrary>(endpointId ? `/api/loras?endpoint=${encodeURIComponent(endpointId)}` : '/api/loras')

export interface NewLoraRequest {
  name: string
  url: string
  base: string
  kind: string
  recommendedScale: number
  triggerWords?: string
  note?: string
}

export const createLoraRequest = (lora: NewLoraRequest) => callStudioApi<LoraView>('/api/loras', { method: 'POST', body: JSON.stringify(lora) })

export const deleteLoraRequest = (id: string) => callStudioApi<void>(`/api/loras/${encodeURIComponent(id)}`, { method: 'DELETE' })
