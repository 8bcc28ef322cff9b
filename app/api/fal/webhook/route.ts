import { handleFalWebhook } from '@/lib/takes/webhook'

export const dynamic = 'force-dynamic'

/** fal (or the local backend) tells the studio a take has ended; see lib/takes/webhook.ts. */
export async function POST(request: Request): Promise<Response> {
  return handleFalWebhook(request)
}
