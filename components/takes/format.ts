/** 0.4 s, 12.3 s, 2 min 05 s. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const minutes = Math.floor(seconds / 60)
  return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, '0')} s`
}

export function formatLogTime(timestamp: string): string {
  const date = new Date(timestamp)
  return Number.isNaN(date.getTime()) ? timestamp : date.toLocaleTimeString(undefined, { hour12: false })
}
