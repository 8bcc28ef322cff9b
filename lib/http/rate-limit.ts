import { NextResponse } from 'next/server'

/** What is limited, and how much: `limit` requests per `windowMs`, per key (a session or an address). */
const RATE_LIMITS = {
  submit: { limit: 30, windowMs: 60_000, what: 'submits' },
  upload: { limit: 60, windowMs: 60_000, what: 'uploads' },
  login: { limit: 10, windowMs: 60_000, what: 'sign-in attempts' },
} as const satisfies Record<string, { limit: number; windowMs: number; what: string }>

export type RateScope = keyof typeof RATE_LIMITS

/** Per scope, `TAKES_RATE_<SCOPE>=<n>` overrides the limit per window (tests set small ones). */
function limitOf(scope: RateScope, env: Readonly<Record<string, string | undefined>>): number {
  const override = Number(env[`TAKES_RATE_${scope.toUpperCase()}`])
  return Number.isInteger(override) && override > 0 ? override : RATE_LIMITS[scope].limit
}

const KEY = Symbol.for('takes.rate-windows')
type Holder = { [KEY]?: Map<string, number[]> }

/** This process's recent request times per scope and key (one map, shared by every route module). */
function windows(): Map<string, number[]> {
  const holder = globalThis as Holder
  return (holder[KEY] ??= new Map())
}

/**
 * Counts a request against every key (e.g. the session and the address) and answers 429 with
 * `Retry-After` when any is over its limit (the refused request is not counted); null when it may go.
 */
export function rateLimited(scope: RateScope, keys: string | string[], env: Readonly<Record<string, string | undefined>> = process.env, now = Date.now()): NextResponse | null {
  const { windowMs, what } = RATE_LIMITS[scope]
  const limit = limitOf(scope, env)
  const store = windows()
  let retryAfterMs = 0
  const entries = [keys].flat().map((key) => {
    const id = `${scope}:${key}`
    const recent = (store.get(id) ?? []).filter((time) => time > now - windowMs)
    if (recent.length >= limit) retryAfterMs = Math.max(retryAfterMs, recent[0]! + windowMs - now)
    return { id, recent }
  })
  if (retryAfterMs > 0) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000))
    return NextResponse.json(
      { detail: `Too many ${what}: at most ${limit} a minute. Try again in ${seconds} s.`, error_type: 'studio_rate_limited' },
      { status: 429, headers: { 'retry-after': String(seconds) } },
    )
  }
  for (const { id, recent } of entries) store.set(id, [...recent, now])
  if (store.size > 10_000) for (const [id, times] of store) if (!times.some((time) => time > now - windowMs)) store.delete(id)
  return null
}
