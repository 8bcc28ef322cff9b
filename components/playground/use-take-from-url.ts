'use client'
import { useEffect, useEffectEvent, useState } from 'react'
import type { TakeFromUrlHandlers } from './take-from-url'

const PARAMS = ['take', 'remix', 'continue']

/**
 * Reads `?take=`, `?remix=` or `?continue=` once, on load (./take-from-url, fetched only when the address
 * has one of them: the playground's first load stays light); a message when the take cannot be shown here.
 */
export function useTakeFromUrl(endpointId: string, handlers: Omit<TakeFromUrlHandlers, 'onNotice'>): string | null {
  const [notice, setNotice] = useState<string | null>(null)
  const onTake = useEffectEvent(handlers.onTake)
  const onRemix = useEffectEvent(handlers.onRemix)
  const onContinue = useEffectEvent((made: Parameters<NonNullable<TakeFromUrlHandlers['onContinue']>>[0]) => handlers.onContinue?.(made))

  useEffect(() => {
    const params = new URLSearchParams(window.location.search)
    if (!PARAMS.some((name) => params.has(name))) return
    const controller = new AbortController()
    import('./take-from-url')
      .then(({ asksForTake, takeFromUrl }) =>
        asksForTake(params) ? takeFromUrl(params, endpointId, { onTake, onRemix, onContinue, onNotice: setNotice }, controller.signal) : undefined,
      )
      .catch(() => {
        if (!controller.signal.aborted) setNotice('That take could not be loaded; reload the page to try again.')
      })
    return () => controller.abort()
  }, [endpointId])

  return notice
}
