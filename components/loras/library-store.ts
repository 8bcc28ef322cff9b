import { useEffect, useSyncExternalStore } from 'react'
import type { LoraLibrary } from '@/lib/loras/lora-view'
import { fetchLoraLibrary } from './lora-api'

// The library as the playground's LoRA list sees it, fetched once per endpoint and shared by the
// picker and every row's note; opening the picker fetches it again (a LoRA added meanwhile shows).

export type LibraryState = { status: 'loading' } | { status: 'ready'; library: LoraLibrary } | { status: 'error'; message: string }

const LOADING: LibraryState = { status: 'loading' }
const states = new Map<string, LibraryState>()
const inFlight = new Map<string, Promise<void>>()
const listeners = new Set<() => void>()

const keyOf = (endpointId: string | null) => endpointId ?? ''

function publish(key: string, state: LibraryState) {
  states.set(key, state)
  for (const listener of listeners) listener()
}

/** Fetches the library for `endpointId`, unless a fetch is under way; `refresh` fetches even when one is held. */
export function loadLibrary(endpointId: string | null, refresh = false): Promise<void> {
  const key = keyOf(endpointId)
  const running = inFlight.get(key)
  if (running) return running
  if (!refresh && states.get(key)?.status === 'ready') return Promise.resolve()
  const load = fetchLoraLibrary(endpointId)
    .then((library) => publish(key, { status: 'ready', library }))
    .catch((error: unknown) => {
      // A refresh that fails keeps the library already shown.
      if (states.get(key)?.status !== 'ready') publish(key, { status: 'error', message: error instanceof Error ? error.message : 'The library could not be read.' })
    })
    .finally(() => inFlight.delete(key))
  inFlight.set(key, load)
  return load
}

function subscribe(listener: () => void) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** The library for `endpointId`, fetched on first use. */
export function useLoraLibrary(endpointId: string | null): LibraryState {
  const key = keyOf(endpointId)
  useEffect(() => {
    void loadLibrary(endpointId)
  }, [endpointId])
  return useSyncExternalStore(
    subscribe,
    () => states.get(key) ?? LOADING,
    () => LOADING,
  )
}
