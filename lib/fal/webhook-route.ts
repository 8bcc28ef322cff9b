/** Where fal (or the local backend) posts a take's end, when the studio has a public address. */
const WEBHOOK_ROUTE = '/api/fal/webhook'

/** The webhook URL submits carry: only when `TAKES_PUBLIC_URL` says where the studio can be reached. */
export function webhookUrlOf(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.TAKES_PUBLIC_URL ? new URL(WEBHOOK_ROUTE, env.TAKES_PUBLIC_URL).toString() : undefined
}
