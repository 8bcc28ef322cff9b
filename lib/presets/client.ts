import type { Payload } from '@/lib/schema'
import type { PresetProblem, PresetView } from './preset-view'

/** A refusal of the preset API, with the field it is about (e.g. a duplicate `name`). */
export class PresetApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: PresetProblem['field'],
  ) {
    super(message)
    this.name = 'PresetApiError'
  }
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, {
    ...init,
    headers: init?.body ? { 'content-type': 'application/json' } : undefined,
    cache: 'no-store',
  })
  if (response.status === 204) return undefined as T
  const body = (await response.json().catch(() => null)) as (PresetProblem & Partial<T>) | null
  if (!response.ok) {
    throw new PresetApiError(response.status, body?.detail ?? `The server answered ${response.status}`, body?.field)
  }
  return body as T
}

export const fetchPresets = (endpointId: string) =>
  call<{ presets: PresetView[] }>(`/api/presets?endpoint=${encodeURIComponent(endpointId)}`).then((body) => body.presets)

export const savePreset = (endpointId: string, name: string, values: Payload) =>
  call<PresetView>('/api/presets', { method: 'POST', body: JSON.stringify({ endpointId, name, values }) })

export const renamePresetRequest = (id: string, name: string) =>
  call<PresetView>(`/api/presets/${encodeURIComponent(id)}`, { method: 'PATCH', body: JSON.stringify({ name }) })

export const deletePresetRequest = (id: string) => call<void>(`/api/presets/${encodeURIComponent(id)}`, { method: 'DELETE' })
