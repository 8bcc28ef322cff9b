import { ApiError, type FalClient, type QueueStatus, type RequestLog } from '@fal-ai/client'
import { BILLABLE_UNITS_HEADER, noteFalAnswer } from '@/lib/fal/server-client'

// A fake of fal's queue, as the take service and the follower use it: submit, status, streamStatus
// (a stream with on('data'|'error'|'done'), done() and abort(), as @fal-ai/client's FalStream),
// result and cancel. The test drives each request (queued, running with logs, completed, failed,
// with or without the billable units fal's result answer states), and reads back every call each
// client made.

type Method = 'submit' | 'status' | 'streamStatus' | 'result' | 'cancel'
type StreamEvent = 'data' | 'error' | 'done'

export interface FakeCall {
  client: string
  method: Method
  requestId: string | undefined
  at: number
}

export interface SubmitCall {
  endpointId: string
  input: unknown
  webhookUrl: string | undefined
  headers: Record<string, string> | undefined
}

interface Job {
  endpointId: string
  requestId: string
  status: QueueStatus['status']
  queuePosition: number
  logs: RequestLog[]
  /** What the result call answers once the job is COMPLETED. */
  outcome: { ok: true; data: unknown } | { ok: false; error: ApiError<unknown> } | null
  /** The `x-fal-billable-units` header the result answer carries, as sent (none when undefined). */
  billableUnits: string | undefined
  cancelAsked: boolean
  streams: Set<FakeStream>
}

/** A gate a call waits at until the test opens it. */
export class Gate {
  private opened!: () => void
  readonly passed = new Promise<void>((resolve) => (this.opened = resolve))
  open() {
    this.opened()
  }
}

/** One status stream, as FalStream behaves: `done()` resolves with the last data on end or abort, rejects on error. */
export class FakeStream {
  readonly client: string
  readonly requestId: string
  closed = false
  private readonly listeners = new Map<StreamEvent, ((event: never) => void)[]>()
  private readonly sentLogs = new Set<RequestLog>()
  private last: QueueStatus | undefined
  private readonly ended: Promise<QueueStatus>
  private resolveEnd!: (value: QueueStatus) => void
  private rejectEnd!: (error: unknown) => void

  constructor(client: string, private readonly job: Job) {
    this.client = client
    this.requestId = job.requestId
    this.ended = new Promise((resolve, reject) => {
      this.resolveEnd = resolve
      this.rejectEnd = reject
    })
    this.ended.catch(() => {})
  }

  on = (type: StreamEvent, listener: (event: never) => void) => {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }

  done = () => this.ended

  abort = () => this.close(() => this.resolveEnd(this.last ?? statusOf(this.job, [])))

  /** Sends the job's state now, with the log lines this stream has not sent yet (a stream sends only new lines). */
  send() {
    if (this.closed) return
    const fresh = this.job.logs.filter((log) => !this.sentLogs.has(log))
    for (const log of fresh) this.sentLogs.add(log)
    this.last = statusOf(this.job, fresh)
    this.emit('data', this.last)
    if (this.job.status === 'COMPLETED') this.end()
  }

  /** The server closed the stream (cleanly, before COMPLETED unless the job completed). */
  end() {
    this.close(() => {
      this.emit('done', this.last)
      this.resolveEnd(this.last ?? statusOf(this.job, []))
    })
  }

  /** The connection broke. */
  fail() {
    const error = new ApiError({ message: 'The status stream broke', status: 500, body: undefined })
    this.close(() => {
      this.emit('error', error)
      this.rejectEnd(error)
    })
  }

  private close(then: () => void) {
    if (this.closed) return
    this.closed = true
    this.job.streams.delete(this)
    then()
  }

  private emit(type: StreamEvent, event: unknown) {
    for (const listener of this.listeners.get(type) ?? []) (listener as (event: unknown) => void)(event)
  }
}

function statusOf(job: Job, logs: RequestLog[]): QueueStatus {
  const urls = { request_id: job.requestId, response_url: `https://queue.fal.run/${job.endpointId}/requests/${job.requestId}`, status_url: '', cancel_url: '' }
  if (job.status === 'IN_QUEUE') return { ...urls, status: 'IN_QUEUE', queue_position: job.queuePosition }
  if (job.status === 'IN_PROGRESS') return { ...urls, status: 'IN_PROGRESS', logs }
  return { ...urls, status: 'COMPLETED', logs, metrics: { inference_time: 1.5 } }
}

/** How fal answers a submit: accepts it (the default), or throws what the test gives. */
export type SubmitAnswer = (input: unknown) => Promise<Error | undefined> | Error | undefined

/** fal's result call for a request cancelled while it ran (as the simulator answers it). */
export const cancelledError = () =>
  new ApiError({ message: 'The request was cancelled.', status: 499, body: { detail: 'The request was cancelled.', error_type: 'client_cancelled' } })

export class FakeFal {
  readonly calls: FakeCall[] = []
  readonly submits: SubmitCall[] = []
  readonly streams: FakeStream[] = []
  private readonly jobs = new Map<string, Job>()
  private nextId = 0
  /** What submits answer. */
  submitAnswer: SubmitAnswer = () => undefined
  /** Whether status streams open (`refuse`: streamStatus throws, as a proxy that cannot stream). */
  streaming: 'open' | 'refuse' = 'open'
  /** When set, result calls wait here. */
  resultGate: Gate | undefined

  /** A request fal has in its queue (as if submitted earlier); its request id. */
  addJob(endpointId: string, requestId = `req-${++this.nextId}-${Math.random().toString(36).slice(2, 8)}`): string {
    this.jobs.set(requestId, { endpointId, requestId, status: 'IN_QUEUE', queuePosition: 0, logs: [], outcome: null, billableUnits: undefined, cancelAsked: false, streams: new Set() })
    return requestId
  }

  queued(requestId: string, position: number) {
    const job = this.job(requestId)
    job.status = 'IN_QUEUE'
    job.queuePosition = position
    this.push(job)
  }

  /** Running, with these log lines added. */
  progress(requestId: string, ...messages: string[]) {
    const job = this.job(requestId)
    job.status = 'IN_PROGRESS'
    for (const message of messages) job.logs.push({ message, level: 'INFO', source: 'USER', timestamp: new Date(Date.now() + job.logs.length).toISOString() })
    this.push(job)
  }

  /** COMPLETED with `data`; the result answer states `billableUnits` (a number, or the header's raw text) when given. */
  complete(requestId: string, data: unknown, billableUnits?: number | string) {
    this.end(requestId, { ok: true, data }, billableUnits)
  }

  /** COMPLETED, with the result call failing with `error` (how fal ends a failed or cancelled run). */
  fail(requestId: string, error: ApiError<unknown>, billableUnits?: number | string) {
    this.end(requestId, { ok: false, error }, billableUnits)
  }

  /** COMPLETED long ago: fal's retention ran out, and the result call answers 404 as fal does. */
  expire(requestId: string, data: unknown) {
    this.end(requestId, { ok: false, error: new ApiError({ message: 'Request not found', status: 404, body: { detail: 'Request not found' } }) }, undefined)
    this.expiredData.set(requestId, data)
  }

  /** The output an expired request had (what a late webhook still carries). */
  readonly expiredData = new Map<string, unknown>()

  cancelAsked(requestId: string) {
    return this.job(requestId).cancelAsked
  }

  /** Breaks (`error`) or closes (`end`) every open stream of the request. */
  dropStreams(requestId: string, how: 'error' | 'end') {
    for (const stream of [...this.job(requestId).streams]) {
      if (how === 'error') stream.fail()
      else stream.end()
    }
  }

  openStreams(requestId?: string) {
    return this.streams.filter((stream) => !stream.closed && (requestId === undefined || stream.requestId === requestId))
  }

  count(method: Method, requestId?: string, client?: string) {
    return this.calls.filter((call) => call.method === method && (requestId === undefined || call.requestId === requestId) && (client === undefined || call.client === client)).length
  }

  /** A fal client over this queue; `name` tells its calls apart from another client's. */
  client(name = 'client'): FalClient {
    const record = (method: Method, requestId: string | undefined) => this.calls.push({ client: name, method, requestId, at: Date.now() })
    const queue = {
      submit: async (endpointId: string, options: { input?: unknown; webhookUrl?: string; headers?: Record<string, string> }) => {
        record('submit', undefined)
        this.submits.push({ endpointId, input: options.input, webhookUrl: options.webhookUrl, headers: options.headers })
        const refusal = await this.submitAnswer(options.input)
        if (refusal) throw refusal
        const requestId = this.addJob(endpointId)
        return { request_id: requestId, queue_position: 0, status: 'IN_QUEUE', response_url: '', status_url: '', cancel_url: '' }
      },
      status: async (_endpointId: string, { requestId }: { requestId: string }) => {
        record('status', requestId)
        const job = this.known(requestId)
        return statusOf(job, [...job.logs])
      },
      streamStatus: async (_endpointId: string, { requestId }: { requestId: string }) => {
        record('streamStatus', requestId)
        if (this.streaming === 'refuse') throw new ApiError({ message: 'Streaming is not available', status: 405, body: undefined })
        const job = this.known(requestId)
        const stream = new FakeStream(name, job)
        job.streams.add(stream)
        this.streams.push(stream)
        // The current state first, once the caller has had the stream back and listened to it.
        setImmediate(() => stream.send())
        return stream
      },
      result: async (_endpointId: string, { requestId }: { requestId: string }) => {
        record('result', requestId)
        await this.resultGate?.passed
        const job = this.known(requestId)
        if (job.status !== 'COMPLETED' || !job.outcome) throw new ApiError({ message: 'Request is still in progress', status: 400, body: { detail: 'Request is still in progress' } })
        // The answer's headers, as the server client's fetch notes them.
        noteFalAnswer(new Headers(job.billableUnits === undefined ? {} : { [BILLABLE_UNITS_HEADER]: job.billableUnits }))
        if (!job.outcome.ok) throw job.outcome.error
        return { data: job.outcome.data, requestId }
      },
      cancel: async (_endpointId: string, { requestId }: { requestId: string }) => {
        record('cancel', requestId)
        const job = this.known(requestId)
        if (job.status === 'COMPLETED') throw new ApiError({ message: 'Request is already completed', status: 400, body: { status: 'ALREADY_COMPLETED' } })
        job.cancelAsked = true
      },
    }
    return { queue } as unknown as FalClient
  }

  private end(requestId: string, outcome: NonNullable<Job['outcome']>, billableUnits: number | string | undefined) {
    const job = this.job(requestId)
    job.status = 'COMPLETED'
    job.outcome = outcome
    job.billableUnits = billableUnits === undefined ? undefined : String(billableUnits)
    this.push(job)
  }

  private push(job: Job) {
    for (const stream of [...job.streams]) stream.send()
  }

  private job(requestId: string): Job {
    const job = this.jobs.get(requestId)
    if (!job) throw new Error(`The fake fal has no request ${requestId}`)
    return job
  }

  private known(requestId: string): Job {
    const job = this.jobs.get(requestId)
    if (!job) throw new ApiError({ message: 'Request not found', status: 404, body: { detail: 'Request not found' } })
    return job
  }
}
