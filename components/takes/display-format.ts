import { formatUsd } from '@/lib/pricing'

/** "$0.1980", or "—" when the amount is not known. */
export function usdOrDash(amount: number | null): string {
  return amount === null ? '—' : formatUsd(amount)
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
]

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })

/** "just now", "5 minutes ago", "yesterday". */
export function relativeTime(iso: string, now: number): string {
  const seconds = (Date.parse(iso) - now) / 1000
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit)
  }
  return 'just now'
}

const absolute = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })

/** "Jan 5, 2026, 3:04 PM UTC": the server's rendering, so stated in UTC rather than its local zone. */
export function absoluteTime(iso: string): string {
  return `${absolute.format(new Date(iso))} UTC`
}
