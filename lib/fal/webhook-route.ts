import { settingsOf, type Env } from '@/lib/settings'

/** Where fal (or the local backend) posts a take's end, when the studio has a public address. */
const WEBHOOK_ROUTE = '/api/fal/webhook'

/** The webhook URL submits carry: only when `TAKES_PUBLIC_URL` says where the studio can be reached. */
export function webhookUrlOf(env: Env = process.env): string | undefined {
  const { publicUrl } = settingsOf(env)
  return publicUrl ? new URL(WEBHOOK_ROUTE, publicUrl).toString() : undefined
}
