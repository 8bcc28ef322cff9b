'use client'
import { useEffect, useState } from 'react'
import { formatSeconds } from './format'

/** Seconds since `from`, ticking until `to` is known. */
export function Elapsed({ from, to }: { from: number; to?: number }) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (to !== undefined) return
    const timer = setInterval(() => setNow(Date.now()), 100)
    return () => clearInterval(timer)
  }, [to])
  return <span className="tabular-nums">{formatSeconds(Math.max(0, ((to ?? now) - from) / 1000))}</span>
}
