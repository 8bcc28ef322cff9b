'use client'
import { useEffect, useRef, type ReactNode } from 'react'
import { playAllFromStart, syncPlayback } from '@/components/media/sync-playback'
import { Button } from '@/components/ui/button'

/** The videos under this group: the first leads, the others follow it. */
function videosIn(container: HTMLElement | null): HTMLVideoElement[] {
  return container ? Array.from(container.querySelectorAll<HTMLVideoElement>('video[data-compare-video]')) : []
}

/**
 * Wraps the compared takes' players: keeps them in step, and plays them all from the start.
 * `syncKey` names the set of videos inside (e.g. their takes' ids): when it changes, syncing starts over
 * with the videos now present, for groups whose videos appear after mount.
 */
export function SyncGroup({
  children,
  className,
  syncKey,
  scrollLabel,
}: {
  children: ReactNode
  className?: string
  syncKey?: string
  /** Names the group when it scrolls (a wide grid on a phone): it is then a region keyboard users can focus and scroll. */
  scrollLabel?: string
}) {
  const container = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const [leader, ...followers] = videosIn(container.current)
    return leader && followers.length > 0 ? syncPlayback(leader, followers) : undefined
  }, [syncKey])

  return (
    <div className="space-y-3">
      <Button variant="primary" onClick={() => void playAllFromStart(videosIn(container.current))}>
        Play all in sync
      </Button>
      <div ref={container} className={className} {...(scrollLabel ? { role: 'region', 'aria-label': scrollLabel, tabIndex: 0 } : {})}>
        {children}
      </div>
    </div>
  )
}
