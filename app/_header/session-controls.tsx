import { cookies } from 'next/headers'
import { authConfig, isSignedIn, SESSION_COOKIE } from '@/lib/auth/session'
import { formatUsd } from '@/lib/pricing/estimate'
import { LiveSpend } from '@/components/live/live-spend'
import { SimulatedTag } from '@/components/takes/simulated-amounts'
import { spendCaps, spentToday } from '@/lib/takes/spend-guard'

/** Today's spend (and the daily cap), then "Sign out" when the studio has a password. Shown only to the studio's owner: never on a signed-out take page. */
export async function SessionControls() {
  const config = authConfig()
  const signedIn = config ? await isSignedIn(config, (await cookies()).get(SESSION_COOKIE)?.value).catch(() => false) : false
  if (config && !signedIn) return null
  const spent = await spentToday().catch(() => null)
  const { perDay } = spendCaps()
  return (
    <>
      {spent !== null && (
        <>
          <p data-testid="spend-today" className="text-xs text-muted" title="Billed today, plus the estimates of takes still running (UTC day)">
            Today <LiveSpend initial={spent} />
            {perDay !== undefined && <> of {formatUsd(perDay)}</>}
          </p>
          <SimulatedTag className="-ml-2" />
        </>
      )}
      {signedIn && (
        <form method="post" action="/api/auth/logout">
          <button type="submit" className="text-xs text-muted underline hover:text-white">
            Sign out
          </button>
        </form>
      )}
    </>
  )
}
