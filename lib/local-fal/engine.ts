import { randomBytes, randomUUID } from 'node:crypto'
import { mkdir, readFile, rm } from 'node:fs/promises'
import { setTimeout as delay } from 'node:timers/promises'
import path from 'node:path'
import type { Catalog, Endpoint } from '@/lib/endpoints'
import { appIdOf } from '@/lib/fal/targets'
import { effectiveInput, resolveOutputShape } from '@/lib/generation/output-shape'
import type { JsonValue, Payload } from '@/lib/schema'
import { compileSchema } from '@/lib/schema'
import type { LocalFalConfig } from './config'
import type { Counters, Faults } from './faults'
import { NO_FAULTS, emptyCounters } from './faults'
import { FileStore, fileUrl } from './files'
import { simulatorFilesDir } from '@/lib/fal/local-simulator'
import { MediaFetchError, resolveMedia } from './media-inputs'
import { renderVideo } from './render'
import { renderParametersOf } from './render-parameters'
import { StepPacer } from './render-steps'
import { exactIntegerOf, isExactInteger, type ExactInteger } from '@/lib/json/exact-integer'
import type { IntegerPathTest } from '@/lib/json/exact-json'
import { integerPathsOf } from '@/lib/schema/integer-paths'
import { RequestStore } from './request-store'
import type { LocalRequest, LogEntry, RequestFailure } from './types'
import { DEFAULT_RETRY_DELAYS_MS, deliverWebhook, webhookBodyOf } from './webhook-delivery'
import { assertRenderWithinBounds, RenderTooLargeError } from './render-limits'
import { shapeBoundsOf } from '@/lib/pricing/estimate'
import { loadWebhookSigner, type WebhookSigner } from './webhook-signer'
import { billableUnitsOf } from './billable-units'
import { resultExpired } from './result-retention'
import { promptUsed } from './prompt-expansion'

const QUEUE_BASE = 'https://queue.fal.run'

type Listener = (request: LocalRequest) => void

function now(): string {
  return new Date().toISOString()
}

/** Waits `ms`; rejects at once when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal })
}

/** How fal ends a cancelled request: COMPLETED, its result this error. */
const CANCELLED: RequestFailure = { kind: 'request', status: 499, detail: 'The request was cancelled.', errorType: 'client_cancelled', retryable: false }

/** How fal ends a request whose start timeout (`x-fal-request-timeout`) ran out before a runner took it. */
const START_TIMED_OUT: RequestFailure = {
  kind: 'request',
  status: 504,
  detail: 'Request timed out',
  errorType: 'request_timeout',
  retryable: false,
  timeoutType: 'user',
}

/**
 * A fal-compatible queue that runs requests on this machine: a concurrency limit, a queue with
 * positions, logs, real MP4 output, cancellation, and requests kept on disk across restarts.
 * Framework-free: the HTTP layer (`http.ts`) speaks the protocol on top of it.
 */
export class LocalFalEngine {
  readonly files: FileStore
  readonly counters: Counters = emptyCounters()
  faults: Faults = { ...NO_FAULTS }
  /** Faults set for one test tag apply only to requests carrying that tag, so parallel tests stay apart. */
  readonly faultsByTag = new Map<string, Faults>()
  private readonly store: RequestStore
  private readonly requests = new Map<string, LocalRequest>()
  private readonly listeners = new Map<string, Set<Listener>>()
  /** The requests running now, each with the controller that aborts it when it is cancelled. */
  private readonly running = new Map<string, AbortController>()
  /** The start timeouts of queued requests that set one. */
  private readonly startTimers = new Map<string, NodeJS.Timeout>()
  private sequence = 0
  private readonly compiled = new Map<string, ReturnType<typeof compileSchema>>()
  private signer?: Promise<WebhookSigner>

  constructor(
    readonly config: LocalFalConfig,
    readonly catalog: Catalog,
  ) {
    this.files = new FileStore(simulatorFilesDir(config.dataDir), config.maxUploadBytes)
    this.store = new RequestStore(path.join(config.dataDir, 'requests'))
  }

  /** Loads the requests kept on disk; any that was running when the server stopped runs again. */
  async init() {
    await Promise.all([this.files.init(), this.store.init(), mkdir(this.workRoot(), { recursive: true })])
    for (const request of await this.store.loadAll()) {
      this.requests.set(request.id, request)
      this.sequence = Math.max(this.sequence, request.sequence)
      if (request.status === 'IN_PROGRESS') {
        request.status = 'IN_QUEUE'
        this.log(request, 'The server restarted while this request ran; it runs again.', 'WARN')
        await this.store.save(request)
      }
      if (request.status === 'IN_QUEUE') this.armStartTimeout(request)
      if (request.status === 'COMPLETED' && request.webhookPending) await this.resumeWebhook(request)
    }
    this.schedule()
  }

  compiledFor(endpoint: Endpoint) {
    let compiled = this.compiled.get(endpoint.id)
    if (!compiled) {
      compiled = compileSchema(endpoint.input)
      this.compiled.set(endpoint.id, compiled)
    }
    return compiled
  }

  /** The key webhooks are signed with: created on first use, kept in the data dir across restarts. */
  webhookSigner(): Promise<WebhookSigner> {
    this.signer ??= loadWebhookSigner(this.config.dataDir).catch((error: unknown) => {
      this.signer = undefined
      throw error
    })
    return this.signer
  }

  /** Where an endpoint's output holds integers: written as raw JSON numbers in results and webhooks. */
  outputIntegerPaths(endpointId: string): IntegerPathTest {
    const endpoint = this.catalog.find(endpointId)
    return endpoint ? integerPathsOf(endpoint.output) : () => false
  }

  get(id: string): LocalRequest | undefined {
    return this.requests.get(id)
  }

  /** The faults that apply to a request carrying `tag` (the global ones unless the tag has its own). */
  faultsFor(tag: string | undefined | null): Faults {
    return (tag && this.faultsByTag.get(tag)) || this.faults
  }

  /** Queues a request; `startTimeoutS` is fal's `x-fal-request-timeout`: how long it may wait to start. */
  async submit(endpoint: Endpoint, input: Payload, origin: string, webhookUrl?: string, testTag?: string, startTimeoutS?: number): Promise<LocalRequest> {
    const request: LocalRequest = {
      id: randomUUID(),
      endpointId: endpoint.id,
      input,
      origin,
      webhookUrl,
      testTag,
      ...(startTimeoutS === undefined ? {} : { startBy: new Date(Date.now() + startTimeoutS * 1000).toISOString() }),
      sequence: ++this.sequence,
      status: 'IN_QUEUE',
      submittedAt: now(),
      logs: [],
      attempts: 0,
    }
    this.requests.set(request.id, request)
    await this.store.save(request)
    this.armStartTimeout(request)
    this.schedule()
    return request
  }

  /**
   * Ends `request` with fal's request_timeout if it is still waiting for its first start when its
   * start timeout runs out (the deadline covers queue wait only: once started, it no longer applies).
   */
  private armStartTimeout(request: LocalRequest) {
    if (!request.startBy || request.attempts > 0) return
    const timer = setTimeout(() => {
      this.startTimers.delete(request.id)
      if (request.status !== 'IN_QUEUE' || this.running.has(request.id)) return
      this.endTimedOut(request)
      this.schedule()
    }, Math.max(0, Date.parse(request.startBy) - Date.now()))
    timer.unref()
    this.startTimers.set(request.id, timer)
  }

  private clearStartTimeout(id: string) {
    clearTimeout(this.startTimers.get(id))
    this.startTimers.delete(id)
  }

  private endTimedOut(request: LocalRequest) {
    this.counters.timedOut += 1
    this.log(request, 'No runner started this request before its start timeout ran out.', 'WARN')
    this.finish(request, { failure: START_TIMED_OUT })
  }

  /** Whether `request`'s result, `bytes` long, is past the time fal keeps it. */
  resultExpired(request: LocalRequest, bytes: number, now = Date.now()): boolean {
    return resultExpired(request.completedAt ?? request.submittedAt, bytes, this.config, now)
  }

  /** The units fal would bill a completed request for (`x-fal-billable-units`); undefined for a failure. */
  billableUnits(request: LocalRequest): number | undefined {
    const endpoint = this.catalog.find(request.endpointId)
    if (!endpoint || !request.output || request.failure) return undefined
    const units = billableUnitsOf(endpoint.pricing, request.output, effectiveInput(this.compiledFor(endpoint).defaults, request.input))
    return units === undefined ? undefined : units * this.faultsFor(request.testTag).billedUnitsFactor
  }

  /** 0 for the next request to start; undefined once it has started. */
  queuePosition(request: LocalRequest): number | undefined {
    if (request.status !== 'IN_QUEUE') return undefined
    let ahead = 0
    for (const other of this.requests.values()) {
      if (other.status === 'IN_QUEUE' && other.sequence < request.sequence) ahead++
    }
    return ahead
  }

  /** The status object fal answers, with or without the logs. */
  statusOf(request: LocalRequest, logs: LogEntry[] | null) {
    const base = `${QUEUE_BASE}/${appIdOf(request.endpointId)}/requests/${request.id}`
    const common = {
      status: request.status,
      request_id: request.id,
      response_url: base,
      status_url: `${base}/status`,
      cancel_url: `${base}/cancel`,
    }
    if (request.status === 'IN_QUEUE') return { ...common, queue_position: this.queuePosition(request) ?? 0 }
    if (request.status === 'IN_PROGRESS') return { ...common, logs }
    const failure = request.failure
    return {
      ...common,
      logs,
      metrics: request.inferenceTime === undefined ? {} : { inference_time: request.inferenceTime },
      ...(failure
        ? {
            error: failure.kind === 'request' ? failure.detail : 'Validation error',
            error_type: failure.kind === 'request' ? failure.errorType : 'validation_error',
          }
        : {}),
    }
  }

  /**
   * fal's cancel. A queued request ends cancelled at once; a running one is aborted (its ffmpeg
   * killed) and ends cancelled as its run stops, unless it has already completed.
   */
  cancel(request: LocalRequest): 'requested' | 'completed' {
    if (request.status === 'COMPLETED') return 'completed'
    if (request.status === 'IN_QUEUE') this.endCancelled(request)
    else if (!this.faultsFor(request.testTag).runsIgnoreCancel) this.running.get(request.id)?.abort()
    return 'requested'
  }

  private endCancelled(request: LocalRequest, inferenceTime?: number) {
    this.counters.cancelled += 1
    this.finish(request, { failure: CANCELLED, inferenceTime })
  }

  subscribe(id: string, listener: Listener): () => void {
    let set = this.listeners.get(id)
    if (!set) this.listeners.set(id, (set = new Set()))
    set.add(listener)
    return () => set.delete(listener)
  }

  private emit(request: LocalRequest) {
    for (const listener of this.listeners.get(request.id) ?? []) listener(request)
  }

  private log(request: LocalRequest, message: string, level: LogEntry['level'] = 'INFO') {
    request.logs.push({ message, level, source: 'USER', timestamp: now() })
  }

  private workRoot() {
    return path.join(this.config.dataDir, 'work')
  }

  /** Starts queued requests, oldest first, up to the concurrency limit. */
  private schedule() {
    const queued = [...this.requests.values()]
      .filter((request) => request.status === 'IN_QUEUE' && !this.running.has(request.id))
      .sort((a, b) => a.sequence - b.sequence)
    for (const request of queued) {
      if (this.running.size >= this.config.concurrency) break
      if (this.startTimedOut(request)) continue
      const controller = new AbortController()
      this.running.set(request.id, controller)
      void this.run(request, controller.signal).finally(() => {
        this.running.delete(request.id)
        this.schedule()
      })
    }
    // Positions of those still waiting have changed.
    for (const request of queued) if (request.status === 'IN_QUEUE') this.emit(request)
  }

  /** Ends a request due to start whose start timeout has run out (or that a fault times out): true if it did. */
  private startTimedOut(request: LocalRequest): boolean {
    const faults = this.faultsFor(request.testTag)
    const late = request.attempts === 0 && request.startBy !== undefined && Date.now() >= Date.parse(request.startBy)
    if (!late && faults.timeOutNextStarts <= 0) return false
    if (!late) faults.timeOutNextStarts -= 1
    this.endTimedOut(request)
    return true
  }

  private async run(request: LocalRequest, signal: AbortSignal) {
    const endpoint = this.catalog.find(request.endpointId)
    this.clearStartTimeout(request.id)
    request.status = 'IN_PROGRESS'
    request.startedAt = now()
    request.attempts += 1
    this.log(request, `Starting ${request.endpointId} (local simulator)`)
    await this.store.save(request)
    this.emit(request)
    const started = Date.now()
    const workDir = path.join(this.workRoot(), request.id)
    try {
      if (!endpoint) throw new Error(`Unknown endpoint ${request.endpointId}`)
      const faults = this.faultsFor(request.testTag)
      if (faults.failNextRuns > 0) {
        faults.failNextRuns -= 1
        await sleep(Math.min(500, this.config.minRenderMs), signal)
        throw Object.assign(new Error('Runner crashed while generating (injected fault).'), { injected: true })
      }
      if (faults.slowRunsMs > 0) await sleep(faults.slowRunsMs, signal)
      this.progress(request, 'Fetching input media')
      const media = await resolveMedia(request.input, this.files, workDir, { signal })
      const { defaults } = this.compiledFor(endpoint)
      const effective = effectiveInput(defaults, request.input)
      const shape = resolveOutputShape(endpoint.outputRule, effective, media.facts)
      assertRenderWithinBounds(shape, shapeBoundsOf(this.compiledFor(endpoint).fields), effective)
      const seed = isExactInteger(request.input.seed) ? request.input.seed : randomSeed64()
      const prompt = typeof request.input.prompt === 'string' ? request.input.prompt : ''
      this.progress(request, `Generating ${shape.width}×${shape.height}, ${shape.numFrames} frames at ${shape.fps} fps, seed ${seed}`)
      const outFile = path.join(workDir, `${request.id}.mp4`)
      const parameters = renderParametersOf(effective, defaults)
      const pacer = new StepPacer()
      const logging = new AbortController()
      const stopLogs = () => logging.abort()
      signal.addEventListener('abort', stopLogs, { once: true })
      const paced = this.paceLogs(request, pacer, parameters.steps, started, logging.signal)
      try {
        await renderVideo({ outFile, shape, seed, prompt, sources: media.sources, parameters, onProgress: pacer.progress, signal })
        await paced
      } finally {
        signal.removeEventListener('abort', stopLogs)
        logging.abort()
      }
      signal.throwIfAborted()
      const stored = await this.files.adopt(outFile, 'video/mp4', `${request.id}.mp4`)
      const url =
        faults.outputVideoUrl ||
        (effective.sync_mode === true
          ? `data:video/mp4;base64,${(await readFile((await this.files.localPath(stored.id))!)).toString('base64')}`
          : fileUrl(request.origin, stored.id, stored.fileName))
      const output: { [key: string]: JsonValue } = {
        video: {
          url,
          content_type: 'video/mp4',
          file_name: stored.fileName,
          file_size: stored.size,
          width: shape.width,
          height: shape.height,
          fps: shape.fps,
          duration: shape.duration,
          num_frames: shape.numFrames,
        },
      }
      const outputs = endpoint.output.properties ?? {}
      if ('seed' in outputs) output.seed = seed
      // The video captions the typed prompt; the output reports the one used (expanded when expansion is on).
      if ('prompt' in outputs) output.prompt = promptUsed(prompt, effective)
      signal.throwIfAborted()
      this.log(request, 'Done')
      this.finish(request, { output, inferenceTime: (Date.now() - started) / 1000 })
    } catch (error) {
      const inferenceTime = (Date.now() - started) / 1000
      if (signal.aborted) this.endCancelled(request, inferenceTime)
      else this.finish(request, { failure: failureOf(error), inferenceTime })
    } finally {
      await rm(workDir, { recursive: true, force: true })
    }
  }

  /**
   * Logs each of the run's real denoising steps ("Denoising step 7/40"), spread across the minimum
   * render time and never ahead of the render; stops when the run ends or is cancelled.
   */
  private paceLogs(request: LocalRequest, pacer: StepPacer, steps: number, started: number, signal: AbortSignal) {
    return pacer.run(steps, started, this.config.minRenderMs, signal, (step) => {
      if (request.status !== 'IN_PROGRESS') return false
      this.progress(request, `Denoising step ${step}/${steps}`)
      return true
    })
  }

  private progress(request: LocalRequest, message: string) {
    this.log(request, message)
    this.emit(request)
  }

  private finish(request: LocalRequest, end: { output?: LocalRequest['output']; failure?: RequestFailure; inferenceTime?: number }) {
    this.clearStartTimeout(request.id)
    request.status = 'COMPLETED'
    request.completedAt = now()
    request.output = end.output
    request.failure = end.failure
    request.inferenceTime = end.inferenceTime
    if (end.failure) this.log(request, end.failure.kind === 'request' ? end.failure.detail : 'Validation error', 'ERROR')
    if (request.webhookUrl) request.webhookPending = true
    void this.store.save(request)
    this.emit(request)
    if (request.webhookUrl) void this.sendWebhook(request, request.webhookUrl)
  }

  /**
   * fal keeps trying a webhook for about two hours: one still owed when the server stopped is sent
   * again (its attempts start over), unless that time has passed since the request ended.
   */
  private async resumeWebhook(request: LocalRequest) {
    const window = this.webhookRetryDelays().reduce((sum, delay) => sum + delay, 0)
    const ended = Date.parse(request.completedAt ?? request.submittedAt)
    if (request.webhookUrl && Date.now() - ended <= window) return void this.sendWebhook(request, request.webhookUrl)
    request.webhookPending = false
    await this.store.save(request)
  }

  private webhookRetryDelays(): readonly number[] {
    return this.config.webhookRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
  }

  /**
   * POSTs the signed webhook fal would send, in the background, with retries; it never throws. Once
   * delivered or given up, it is no longer owed (until then a restart sends it again).
   */
  private async sendWebhook(request: LocalRequest, url: string) {
    const body = webhookBodyOf(request, { payloadError: this.faultsFor(request.testTag).webhookPayloadError })
    const outputPaths = this.outputIntegerPaths(request.endpointId)
    const integerPaths: IntegerPathTest = (path) => body.status === 'OK' && path[0] === 'payload' && outputPaths(path.slice(1))
    try {
      const report = await deliverWebhook({
        url,
        requestId: request.id,
        body,
        integerPaths,
        signer: await this.webhookSigner(),
        retryDelaysMs: this.webhookRetryDelays(),
      })
      if (!report.delivered) {
        console.warn(`local-fal: webhook for ${request.id} not delivered after ${report.attempts} attempts (${report.status ?? report.error})`)
      }
    } catch (error) {
      console.warn(`local-fal: webhook for ${request.id} not sent: ${error instanceof Error ? error.message : String(error)}`)
    }
    request.webhookPending = false
    await this.store.save(request).catch(() => {})
  }
}

/**
 * A seed for a request that set none: unsigned 64-bit, as fal picks them, so that digits past 2^53
 * travel the whole way (output, webhook, the take, a remix) in every local run.
 */
function randomSeed64(): ExactInteger {
  return exactIntegerOf(randomBytes(8).readBigUInt64BE())
}

function failureOf(error: unknown): RequestFailure {
  if (error instanceof RenderTooLargeError) {
    return { kind: 'validation', status: 422, detail: [{ loc: ['body', error.field], msg: error.message, type: 'value_error.output_too_large' }] }
  }
  if (error instanceof MediaFetchError) {
    return { kind: 'validation', status: 422, detail: [{ loc: ['body', error.field], msg: error.message, type: 'file_download_error' }] }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { kind: 'request', status: 500, detail: message, errorType: 'runner_server_error', retryable: true }
}
