import type { LoraField, LoraLibrary, LoraProblem, LoraView } from '@/lib/loras/lora-view'

/** A refusal of the LoRA API, with the field it is about (e.g. a bad `url`). */
export class LoraApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: LoraField,
  ) {
    super(message)
    this.name = 'LoraApiError'
  }
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: init?.body ? { 'content-type': 'application/json' } : undefined, cache: 'no-store' })
  if (response.status === 204) return undefined as T
  const body = (await response.json().catch(() => null)) as (LoraProblem & Partial<T>) | null
  if (!response.ok) throw new LoraApiError(response.status, body?.detail ?? `The server answered ${response.status}`, body?.field)
  return body as T
}

/** The library; with an endpoint id, also the base model that endpoint runs. */
export const fetchLoraLibrary = (endpointId: string | null) =>
  call<LoraLibrary>(endpointId ? `/api/loras?endpoint=${encodeURIComponent(endpointId)}` : '/api/loras')

export interface NewLoraRequest {
  name: string
  url: string
  base: string
  kind: string
  recommendedScale: number
  triggerWords?: string
  note?: string
}

export const createLoraRequest = (lora: NewLoraRequest) => call<LoraView>('/api/loras', { method: 'POST', body: JSON.stringify(lora) })

export const deleteLoraRequest = (id: string) => call<void>(`/api/loras/${encodeURIComponent(id)}`, { method: 'DELETE' })
