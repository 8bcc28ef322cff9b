'use client'
import { useSyncExternalStore } from 'react'
import { absoluteTime, relativeTime } from './display-format'

const localFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const zoneFormat = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' })

/** "Jan 5, 2026, 3:04 PM GMT+9": in the viewer's own time zone, named. */
export function localTime(iso: string): string {
  const date = new Date(iso)
  const zone = zoneFormat.formatToParts(date).find((part) => part.type === 'timeZoneName')?.value
  return zone ? `${localFormat.format(date)} ${zone}` : localFormat.format(date)
}

const subscribe = () => () => {}

/** False while the server renders and while the page hydrates; true once the browser renders. */
function useInBrowser(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  )
}

interface LocalTimeProps {
  /** ISO 8601. */
  iso: string
  /** `relative`: "5 minutes ago" (from `now`, epoch milliseconds), with the full time as its title. */
  relativeTo?: number
  className?: string
}

/**
 * A time in the viewer's time zone. The server knows no viewer's zone: it renders UTC, named, and the
 * browser renders it again in its own zone once hydrated.
 */
export function LocalTime({ iso, relativeTo, className }: LocalTimeProps) {
  const inBrowser = useInBrowser()
  const full = inBrowser ? localTime(iso) : absoluteTime(iso)
  return (
    <time dateTime={iso} title={full} className={className} suppressHydrationWarning>
      {relativeTo === undefined ? full : relativeTime(iso, relativeTo)}
    </time>
  )
}
