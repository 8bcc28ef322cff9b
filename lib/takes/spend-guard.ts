import 'server-only'
import { settingsOf } from '@/lib/settings'
import { createTake, createTakeWithinBudget, spentSince, type CreateTakeInput, type Take } from '@/lib/db/queries'
import type { TakeError } from '@/lib/fal/describe-error'
import { formatUsd } from '@/lib/pricing/estimate'

/** The owner's spending caps, in USD; each is off when unset. */
export interface SpendCaps {
  perTake?: number
  perDay?: number
}

export const BUDGET_ERROR_TYPE = 'budget_exceeded'

export function spendCaps(env: Readonly<Record<string, string | undefined>> = process.env): SpendCaps {
  const { maxTakeUsd, dailyUsd } = settingsOf(env)
  return { perTake: maxTakeUsd, perDay: dailyUsd }
}

/** The start of today, UTC: the daily cap's day. */
function startOfDay(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
}

/** Today's spend: billed, plus the estimates of takes still running. */
export function spentToday(now = new Date()): Promise<number> {
  return spentSince(startOfDay(now))
}

/** A refusal that says which cap, and by how much. */
export type BudgetRefusal = { cap: 'per-take' | 'daily'; detail: string }

function perTakeRefusal(estimates: readonly number[], caps: SpendCaps): BudgetRefusal | null {
  if (caps.perTake === undefined || estimates.length === 0) return null
  const largest = Math.max(...estimates)
  if (largest <= caps.perTake) return null
  return {
    cap: 'per-take',
    detail: `The estimate ${formatUsd(largest)} is over the per-take cap of ${formatUsd(caps.perTake)} (TAKES_MAX_TAKE_USD) by ${formatUsd(largest - caps.perTake)}.`,
  }
}

function dailyRefusal(spent: number, adding: number, caps: SpendCaps): BudgetRefusal | null {
  if (caps.perDay === undefined || spent + adding <= caps.perDay) return null
  return {
    cap: 'daily',
    detail: `Today’s spend would reach ${formatUsd(spent + adding)} (${formatUsd(spent)} so far + ${formatUsd(adding)}), over the daily cap of ${formatUsd(caps.perDay)} (TAKES_DAILY_USD) by ${formatUsd(spent + adding - caps.perDay)}.`,
  }
}

/**
 * Whether takes estimated at `estimates` (USD each) fit the caps: each under the per-take cap, and
 * all of them with today's spend under the daily cap. Null when they fit. A first check only (a
 * sweep's total): each take is checked again, atomically, as it is recorded (`recordWithinCaps`).
 */
export async function checkBudget(estimates: readonly number[], caps: SpendCaps = spendCaps(), now = new Date()): Promise<BudgetRefusal | null> {
  const adding = estimates.reduce((total, amount) => total + amount, 0)
  return perTakeRefusal(estimates, caps) ?? (caps.perDay === undefined ? null : dailyRefusal(await spentToday(now), adding, caps))
}

/**
 * Records a take estimated at `values.estimateUsd` only if it fits the caps: the daily check and the
 * insert are one atomic step, so parallel submits in any number of processes never together pass
 * the room left under the daily cap.
 */
export async function recordWithinCaps(values: CreateTakeInput & { estimateUsd: number }, caps: SpendCaps, now = new Date()): Promise<{ take: Take } | { refusal: BudgetRefusal }> {
  const perTake = perTakeRefusal([values.estimateUsd], caps)
  if (perTake) return { refusal: perTake }
  if (caps.perDay === undefined) return { take: await createTake(values) }
  return createTakeWithinBudget(values, startOfDay(now), (spent) => dailyRefusal(spent, values.estimateUsd, caps))
}

/** The proxy's 402 for a refused submit: which cap, by how much, and what the estimate assumed. */
export function budgetRefusalResponse(refusal: BudgetRefusal, assumptions: readonly string[]): Response {
  const detail = assumptions.length ? `${refusal.detail} The estimate assumed: ${assumptions.join('; ')}.` : refusal.detail
  return Response.json({ detail, error_type: BUDGET_ERROR_TYPE, cap: refusal.cap, assumptions }, { status: 402 })
}

/** How a budget refusal is kept on a sweep cell's take (as describeFalError would describe the proxy's 402). */
export function budgetTakeError(refusal: BudgetRefusal): TakeError {
  return { kind: 'request', message: 'This take is over the studio’s spending cap.', detail: refusal.detail, errorType: BUDGET_ERROR_TYPE, status: 402, retryable: false }
}
