import type { NextRequest } from 'next/server'
import { studioStreamResponse } from '@/lib/events/studio-stream'

export const dynamic = 'force-dynamic'

/** GET /api/events: the studio's server-sent events for its owner — today's spend and which takes changed. */
export function GET(request: NextRequest) {
  return studioStreamResponse(request.signal)
}
