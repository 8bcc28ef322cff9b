'use client'
import { useEffect, useState } from 'react'
import { fetchSweep } from '@/lib/sweeps/client'
import type { SweepView } from '@/lib/sweeps/sweep-view'
import { sweepIsLive } from './sweep-text'

const POLL_MS = 1000
/** Failed polls in a row before the page says it is reconnecting (one failure is usually a blip). */
const FAILURES_BEFORE_NOTICE = 3

/**
 * The sweep as last heard from the server: polled every second while it is live, left alone once
 * every take has ended. Failed polls are retried; `reconnecting` says when several failed in a row.
 */
export function useSweepPolling(initial: SweepView) {
  const [sweep, setSweep] = useState(initial)
  const [failures, setFailures] = useState(0)
  const live = sweepIsLive(sweep)
  const id = sweep.id

  useEffect(() => {
    if (!live) return
    let cancelled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    async function poll() {
      try {
        const next = await fetchSweep(id)
        if (cancelled) return
        setSweep(next)
        setFailures(0)
      } catch {
        if (cancelled) return
        setFailures((count) => count + 1)
      }
      // When this answer ends the sweep, the effect's cleanup clears this timer.
      if (!cancelled) timer = setTimeout(poll, POLL_MS)
    }
    timer = setTimeout(poll, POLL_MS)
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [id, live])

  return { sweep, setSweep, reconnecting: live && failures >= FAILURES_BEFORE_NOTICE }
}
