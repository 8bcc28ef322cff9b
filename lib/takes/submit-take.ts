import 'server-only'
import { ApiError, type FalClient } from '@fal-ai/client'
import { getTake, type Take } from '@/lib/db/queries'
import { PARENT_TAKE_HEADER } from '@/lib/chains/continue-choices'
import { parentProblem, parseParentTakeId } from '@/lib/chains/parent-check'
import { compiledEndpoint } from '@/lib/endpoints/compiled'
import { backendMode } from '@/lib/fal/backend'
import { describeFalError, type TakeError } from '@/lib/fal/describe-error'
import { validationDetails, type ValidationDetail } from '@/lib/fal/errors'
import { webhookUrlOf } from '@/lib/fal/webhook-route'
import { falInputOf } from '@/lib/fal/exact-fetch'
import { estimateTake, pricedEndpoint } from '@/lib/pricing/estimate'
import type { Payload } from '@/lib/schema'
import { mediaUrlProblems } from '@/lib/schema/media-urls'
import { nudgeFollower } from './follower'
import { inputMediaFacts } from './input-media-facts'
import { confirmSubmit, recordRefusedCell, recordSubmit, refuseSubmit } from './record-take'
import { budgetTakeError, type BudgetRefusal } from './spend-guard'

/** What a caller asks: one take of an endpoint, alone or as a sweep's cell. */
export interface SubmitRequest {
  endpointId: string
  /** The input as sent, unvalidated: the take records it as sent, so a remix reproduces it exactly. */
  input: unknown
  sweep?: { id: string; index: number }
  /** fal's queue headers the caller chose (priority, runner hint, start timeout). */
  headers?: Record<string, string>
  /** The take this one continues, as the caller sent it (checked here: it must exist and have completed). */
  parentTakeId?: string
}

/** fal's answer to a submit, as the studio passes it on. */
export interface QueuedTake {
  request_id: string
  queue_position?: number
  status_url?: string
  response_url?: string
  cancel_url?: string
}

/**
 * How a submit ended. Refused before anything was recorded: `invalid`, `over-budget`,
 * `unrecorded` — nothing runs, nothing is spent (a sweep cell keeps a failed take saying why).
 * Recorded: `queued`; `refused` (fal answered no: the take ends failed, unbilled); `unanswered`
 * (fal's answer never came: the take stays, leased to its submit, and the follower ends it as
 * lost once the lease lapses, since fal may have accepted it).
 */
export type SubmitResult =
  | { outcome: 'queued'; take: Take; queued: QueuedTake }
  | { outcome: 'invalid'; details: ValidationDetail[] }
  | { outcome: 'over-budget'; refusal: BudgetRefusal; assumptions: string[] }
  | { outcome: 'unrecorded'; cause: unknown }
  | { outcome: 'refused'; take: Take; error: TakeError; cause: ApiError<unknown> }
  | { outcome: 'unanswered'; take: Take; cause: unknown }

export interface SubmitDeps {
  client: FalClient
  env?: NodeJS.ProcessEnv
}

function isPayload(value: unknown): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The one way a take is submitted, from the playground (through the fal proxy) or a sweep: validate
 * with the endpoint's validator, read the media's facts, estimate, check the caps and record
 * atomically, submit with the webhook, confirm with fal's request id.
 */
export async function submitTake(request: SubmitRequest, { client, env = process.env }: SubmitDeps): Promise<SubmitResult> {
  const found = compiledEndpoint(request.endpointId)
  if (!found) return { outcome: 'invalid', details: [{ loc: ['path'], msg: `${request.endpointId} is not in the studio’s catalog`, type: 'value_error' }] }
  const { endpoint, compiled } = found
  const parsed = compiled.validator.safeParse(request.input)
  if (!parsed.success || !isPayload(request.input)) {
    return refusedCell(request, { outcome: 'invalid', details: parsed.success ? [{ loc: ['body'], msg: 'The body must be a JSON object', type: 'type_error' }] : validationDetails(parsed.error.issues) })
  }
  const input = request.input
  const badMedia = mediaUrlProblems(compiled.fields, input)
  if (badMedia.length) {
    return refusedCell(request, { outcome: 'invalid', details: badMedia.map(({ field, message }) => ({ loc: ['body', field], msg: message, type: 'value_error.url.scheme' })) })
  }

  let take: Take
  try {
    const parent = await checkedParent(request.parentTakeId)
    if ('invalid' in parent) return { outcome: 'invalid', details: [parent.invalid] }
    const { facts } = await inputMediaFacts(input, backendMode(env), env)
    const estimate = estimateTake(pricedEndpoint(endpoint, compiled), input, facts)
    const recorded = await recordSubmit(endpoint, input, estimate.amount, request.sweep, env, parent.id)
    if ('refusal' in recorded) return refusedCell(request, { outcome: 'over-budget', refusal: recorded.refusal, assumptions: estimate.assumptions }, estimate.amount)
    take = recorded.take
  } catch (cause) {
    console.error('[takes] could not record a take:', cause instanceof Error ? cause.message : cause)
    return { outcome: 'unrecorded', cause }
  }

  let queued: QueuedTake
  try {
    // Integers beyond 2^53 (64-bit seeds) leave as raw JSON numbers, digit for digit.
    queued = await client.queue.submit(endpoint.id, { input: falInputOf(input, endpoint.input), webhookUrl: webhookUrlOf(env), headers: request.headers })
  } catch (cause) {
    if (cause instanceof ApiError && cause.status >= 400 && cause.status < 500) {
      const error = describeFalError(cause)
      await refuseSubmit(take, error)
      return { outcome: 'refused', take, error, cause }
    }
    console.error(`[takes] fal did not answer the submit of take ${take.id}:`, cause instanceof Error ? cause.message : cause)
    return { outcome: 'unanswered', take, cause }
  }
  if (typeof queued.request_id !== 'string') {
    console.error(`[takes] fal's submit answer for take ${take.id} had no request id`)
    return { outcome: 'unanswered', take, cause: new Error('no request id') }
  }
  await confirmSubmit(take, queued.request_id, typeof queued.queue_position === 'number' ? queued.queue_position : undefined)
  nudgeFollower()
  return { outcome: 'queued', take, queued }
}

/** The parent a submit names, once it is known to exist and to have completed; nothing named, nothing to check. */
async function checkedParent(raw: string | undefined): Promise<{ id?: string } | { invalid: ValidationDetail }> {
  const parsed = parseParentTakeId(raw)
  if (!parsed) return {}
  const loc = ['header', PARENT_TAKE_HEADER]
  if ('malformed' in parsed) return { invalid: { loc, msg: 'The parent take id is not a take id', type: 'value_error' } }
  const problem = parentProblem(await getTake(parsed.id))
  return problem ? { invalid: { loc, msg: problem, type: 'value_error' } } : { id: parsed.id }
}

/** A sweep cell refused before it was recorded still fills its cell: a failed take that says why. */
async function refusedCell<R extends Extract<SubmitResult, { outcome: 'invalid' | 'over-budget' }>>(request: SubmitRequest, result: R, estimateUsd = 0): Promise<R> {
  if (!request.sweep || !isPayload(request.input)) return result
  const found = compiledEndpoint(request.endpointId)
  if (!found) return result
  const error: TakeError =
    result.outcome === 'over-budget'
      ? budgetTakeError(result.refusal)
      : describeFalError(new ApiError({ message: 'The input was refused', status: 422, body: { detail: result.details } }))
  await recordRefusedCell(found.endpoint, request.input, estimateUsd, request.sweep, error)
  return result
}
