import { studioStreamResponse } from '@/lib/events/studio-stream'
import { route } from '@/lib/http/route'

export const dynamic = 'force-dynamic'

/** GET /api/events: the studio's server-sent events for its owner — today's spend and which takes changed. */
export const GET = route({}, (request) => studioStreamResponse(request.signal))
