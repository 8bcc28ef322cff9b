'use client'
import { useRouter } from 'next/navigation'
import { useEffect, useRef } from 'react'
import { useEventStream } from '@/components/live/use-event-stream'

/** The page is rendered again at most this often while takes change. */
const REFRESH_MS = 1000

/**
 * Keeps the history page live: when a take it shows changes (or, on the first page, a new take
 * appears), the page is rendered again on the server, through the studio's event stream.
 */
export function HistoryLive({ shownIds, firstPage }: { shownIds: string[]; firstPage: boolean }) {
  const router = useRouter()
  const shown = useRef(new Set(shownIds))
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => {
    shown.current = new Set(shownIds)
  }, [shownIds])
  useEffect(() => () => clearTimeout(pending.current), [])

  useEventStream('/api/events', ['takes'], (_event, data) => {
    const { ids } = data as { ids: string[] }
    if (!ids.some((id) => shown.current.has(id) || firstPage)) return
    pending.current ??= setTimeout(() => {
      pending.current = undefined
      router.refresh()
    }, REFRESH_MS)
  })
  return null
}
