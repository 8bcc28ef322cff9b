'use client'
import { useState } from 'react'
import { formatUsd } from '@/lib/pricing/estimate'
import { useEventStream } from './use-event-stream'

/** Today's spend in the header, moving as takes start and end (the studio's event stream). */
export function LiveSpend({ initial }: { initial: number }) {
  const [spent, setSpent] = useState(initial)
  useEventStream('/api/events', ['spend'], (_event, data) => setSpent((data as { todayUsd: number }).todayUsd))
  return <span className="font-mono text-white">{formatUsd(spent)}</span>
}
