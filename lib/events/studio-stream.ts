import 'server-only'
import { spentToday } from '@/lib/takes/spend-guard'
import { watchChanges } from './change-feed'
import { sseResponse } from './sse'

/** Changes are gathered this long before one message goes out (a running take changes often). */
const GATHER_MS = 200

/** What the header and history hear: today's spend, and which takes changed. */
export interface StudioEvents {
  spend: { todayUsd: number }
  takes: { ids: string[] }
}

/**
 * The studio-wide stream: `spend` (today's spend, now and whenever it moves) and `takes` (the ids of
 * takes that changed, gathered), for the header's "Today" and the history page.
 */
export function studioStreamResponse(signal: AbortSignal): Response {
  return sseResponse(signal, async (channel) => {
    let lastSpend: number | null = null
    const changed = new Set<string>()
    let timer: ReturnType<typeof setTimeout> | undefined
    const sendSpend = async () => {
      const todayUsd = await spentToday()
      if (todayUsd === lastSpend) return
      lastSpend = todayUsd
      channel.send('spend', { todayUsd } satisfies StudioEvents['spend'])
    }
    const flush = async () => {
      timer = undefined
      const ids = [...changed]
      changed.clear()
      if (ids.length) channel.send('takes', { ids } satisfies StudioEvents['takes'])
      await sendSpend().catch(() => channel.close())
    }
    const stop = await watchChanges((change) => {
      if (change.take) changed.add(change.take)
      else if (!change.resync) return
      timer ??= setTimeout(() => void flush(), GATHER_MS)
    })
    await sendSpend()
    return () => {
      clearTimeout(timer)
      stop()
    }
  })
}
