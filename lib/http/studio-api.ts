/** A refusal of one of the studio's JSON APIs (`{ detail, error_type, field? }`), with the field it is about when there is one. */
export class StudioApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message)
    this.name = 'StudioApiError'
  }
}

/** Calls one of the studio's JSON APIs from the browser: its answer, or a StudioApiError with its detail (nothing for a 204). */
export async function callStudioApi<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: init?.body ? { 'content-type': 'application/json' } : undefined, cache: 'no-store' })
  if (response.status === 204) return undefined as T
  const body = (await response.json().catch(() => null)) as ({ detail?: string; field?: string } & Partial<T>) | null
  if (!response.ok) throw new StudioApiError(response.status, body?.detail ?? `The server answered ${response.status}`, body?.field)
  return body as T
}
