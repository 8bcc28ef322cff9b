'use client'
import { useEffect, useEffectEvent, useState } from 'react'

/** Waits between attempts after the server refused a stream (a restart, say), doubling up to the last. */
const RETRY_MS = [1000, 2000, 4000, 8000]
/** Failed attempts in a row before the page says it is reconnecting (one is usually a blip). */
const FAILURES_BEFORE_NOTICE = 2

export interface EventStreamState {
  /** Several attempts in a row failed: the page shows it. */
  reconnecting: boolean
  /** The server said the stream is over (`end`: nothing will change; `gone`: deleted or revoked). */
  ended: 'end' | 'gone' | null
}

/**
 * The one way a page watches the server: a server-sent event stream at `url` (null: none), each
 * named event's JSON given to `onEvent`. A dropped stream reconnects and the server starts again
 * from the current state, so no final state is missed; a hidden tab lets go of its stream (browsers
 * hold few connections per host) and takes it up again when shown.
 */
export function useEventStream(url: string | null, events: readonly string[], onEvent: (event: string, data: unknown) => void): EventStreamState {
  // Kept with the URL it is about: a new URL starts afresh without resetting state in the effect.
  const [status, setStatus] = useState<{ url: string | null; failures: number; ended: EventStreamState['ended'] }>({ url, failures: 0, ended: null })
  const deliver = useEffectEvent(onEvent)
  const names = events.join(',')
  const { failures, ended } = status.url === url ? status : { failures: 0, ended: null }

  useEffect(() => {
    if (!url) return
    const setFailures = (next: (count: number) => number) =>
      setStatus((current) => {
        const mine = current.url === url
        const failures = next(mine ? current.failures : 0)
        return mine && failures === current.failures ? current : { url, ended: mine ? current.ended : null, failures }
      })
    const setEnded = (how: EventStreamState['ended']) => setStatus((current) => ({ url, failures: current.url === url ? current.failures : 0, ended: how }))
    let source: EventSource | null = null
    let retry: ReturnType<typeof setTimeout> | undefined
    let attempt = 0
    let over = false

    const close = () => {
      source?.close()
      source = null
      clearTimeout(retry)
    }
    const open = () => {
      close()
      if (over || document.hidden) return
      const current = new EventSource(url)
      source = current
      current.onopen = () => {
        attempt = 0
        setFailures(() => 0)
      }
      for (const name of names.split(',')) {
        current.addEventListener(name, (message) => {
          attempt = 0
          setFailures(() => 0)
          deliver(name, JSON.parse((message as MessageEvent<string>).data) as unknown)
        })
      }
      for (const name of ['end', 'gone'] as const) {
        current.addEventListener(name, () => {
          over = true
          close()
          setEnded(name)
        })
      }
      current.onerror = () => {
        setFailures((count) => count + 1)
        // CONNECTING: the browser retries by itself. CLOSED: it gave up (an HTTP error): try again later.
        if (current.readyState !== EventSource.CLOSED || over) return
        retry = setTimeout(open, RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)])
      }
    }
    const onVisibility = () => (document.hidden ? close() : open())
    document.addEventListener('visibilitychange', onVisibility)
    open()
    return () => {
      over = true
      document.removeEventListener('visibilitychange', onVisibility)
      close()
    }
  }, [url, names])

  return { reconnecting: ended === null && failures >= FAILURES_BEFORE_NOTICE, ended }
}

/** A view the server streams (`view` events) from `initial`: a take, a sweep. */
export function useLiveView<V>(url: string | null, initial: V): EventStreamState & { view: V } {
  const [view, setView] = useState(initial)
  const state = useEventStream(url, ['view'], (_event, data) => setView(data as V))
  return { ...state, view }
}
