'use client'
import { useEffect, useEffectEvent, useState } from 'react'
import { fetchTake } from '@/lib/takes/take-api'
import type { TakeView } from '@/lib/takes/take-view'

interface TakeFromUrlHandlers {
  /** `?take=<id>`: the page shows that take (following it if it still runs), e.g. after a reload. */
  onTake: (view: TakeView) => void
  /** `?remix=<id>`: the form starts from that take's input. */
  onRemix: (view: TakeView) => void
}

/** Reads `?take=` or `?remix=` once, on load; a message when the take cannot be shown here. */
export function useTakeFromUrl(endpointId: string, handlers: TakeFromUrlHandlers): string | null {
  const [notice, setNotice] = useState<string | null>(null)
  const show = useEffectEvent((view: TakeView, remix: boolean) => (remix ? handlers.onRemix(view) : handlers.onTake(view)))

  useEffect(() => {
    const params = new URLSearchParams(window.location.search)
    const remix = !params.has('take')
    const id = params.get('take') ?? params.get('remix')
    if (!id) return
    const controller = new AbortController()
    fetchTake(id, { signal: controller.signal })
      .then((view) => {
        if (!view || view.endpointId !== endpointId) return setNotice('That take was not found for this model.')
        show(view, remix)
      })
      .catch(() => {
        if (!controller.signal.aborted) setNotice('That take could not be loaded; reload the page to try again.')
      })
    return () => controller.abort()
  }, [endpointId])

  return notice
}
