import { validationDetails, jsonResponse, requestErrorResponse, validationErrorResponse, type ValidationDetail } from '@/lib/fal/errors'
import { parseQueuePath } from '@/lib/fal/targets'
import type { LocalFalEngine } from './engine'
import type { Faults } from './faults'
import { NO_FAULTS, emptyCounters } from './faults'
import { isMediaType } from '@/lib/http/media-type'
import { readJsonBody } from '@/lib/http/read-body'
import { stringifyExactJson } from '@/lib/json/exact-json'
import { SMALL_JSON_MAX_BYTES, SUBMIT_BODY_MAX_BYTES } from '@/lib/fal/body-limits'
import { FILES_ROUTE, JWKS_PATH, LOCAL_FAL_ROUTE, ORIGIN_HEADER } from '@/lib/fal/local-simulator'
import { applyPlatformControl, handlePlatformApi, platformOverrides, type PlatformControl } from './platform-api'
import { fileUrl, isUploadRefusal, type PartEtag, type UploadBody, type UploadRefusal } from './files'
import { notMedia } from './upload-stream'
import type { LocalRequest } from './types'
import { BILLABLE_UNITS_HEADER } from '@/lib/fal/server-client'

/** fal's start timeout: seconds a request may wait for a runner (fal's client sends more than 1). */
export const REQUEST_TIMEOUT_HEADER = 'x-fal-request-timeout'
/** On a 504: `user` when the caller's own start timeout ran out, which fal's client does not retry. */
export const REQUEST_TIMEOUT_TYPE_HEADER = 'x-fal-request-timeout-type'
/** fal's least start timeout, in seconds (its docs: more than 0.1 s). */
const MIN_START_TIMEOUT_S = 0.1

/** Lets a test count the calls it caused (the proxy forwards `x-fal-*` headers). */
export const TEST_TAG_HEADER = 'x-fal-takes-test-tag'

/** The control route's body: faults (for one test tag, or for everyone) and a counter reset. */
export interface ControlBody {
  tag?: string
  faults?: Partial<Faults>
  resetCounters?: boolean
  /** What fal's platform API (models, pricing) answers: see platform-api.ts. */
  platform?: PlatformControl
}

const UPLOAD_ROUTE = `${FILES_ROUTE}/upload`

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function originOf(request: Request): string {
  const declared = request.headers.get(ORIGIN_HEADER)
  if (declared) {
    try {
      const url = new URL(declared)
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin
    } catch {
      // fall through to the request's own origin
    }
  }
  return new URL(request.url).origin
}

/**
 * fal's API answers (the queue, the upload handshake) are never cached, and Next must not compress
 * them: a server reads them (the proxy, the follower), mostly on the same machine, and gzip on a few
 * hundred bytes of JSON costs both ends more than it saves (bench:proxy).
 */
function apiAnswer(response: Response): Response {
  if (!response.headers.has('cache-control')) response.headers.set('cache-control', 'no-store, no-transform')
  return response
}

function notFound(detail = 'Not found') {
  return jsonResponse({ detail }, { status: 404 })
}

/**
 * The local backend's HTTP face: fal's queue protocol, the storage upload handshake, file serving
 * with byte ranges, and (for tests) a control route. Framework-free: a Fetch API Request in,
 * a Response out.
 */
export async function handleLocalFal(engine: LocalFalEngine, request: Request): Promise<Response> {
  const url = new URL(request.url)
  const path = url.pathname.startsWith(LOCAL_FAL_ROUTE) ? url.pathname.slice(LOCAL_FAL_ROUTE.length) : url.pathname
  engine.counters.calls += 1
  const tag = engine.config.controlEnabled ? (request.headers.get(TEST_TAG_HEADER) ?? undefined) : undefined
  if (tag) engine.counters.tagged[tag] = (engine.counters.tagged[tag] ?? 0) + 1
  const method = request.method.toUpperCase()

  if (path.startsWith('/queue/')) {
    const faults = engine.faultsFor(tag)
    if (faults.delayMs) await sleep(faults.delayMs)
    return apiAnswer(await handleQueue(engine, request, path.slice('/queue'.length), url, method, tag))
  }
  if (path === '/rest/storage/upload/initiate' || path === '/rest/storage/upload/initiate-multipart') {
    if (method !== 'POST') return jsonResponse({ detail: 'Method not allowed' }, { status: 405 })
    return apiAnswer(await initiateUpload(engine, request))
  }
  if (path.startsWith('/files/upload/')) return handleUpload(engine, request, path.slice('/files/upload/'.length), method)
  if (path.startsWith('/files/')) {
    if (method !== 'GET' && method !== 'HEAD') return jsonResponse({ detail: 'Method not allowed' }, { status: 405 })
    const id = path.slice('/files/'.length).split('/')[0] ?? ''
    const response = await engine.files.serve(id, request.headers.get('range'))
    return method === 'HEAD' ? new Response(null, { status: response.status, headers: response.headers }) : response
  }
  if (path.startsWith('/platform/')) return handlePlatformApi(request, path.slice('/platform'.length))
  if (path === JWKS_PATH) {
    if (method !== 'GET') return jsonResponse({ detail: 'Method not allowed' }, { status: 405 })
    return jsonResponse((await engine.webhookSigner()).jwks(), { headers: { 'cache-control': 'public, max-age=300' } })
  }
  if (path === '/_control' && engine.config.controlEnabled) return handleControl(engine, request, method)
  return notFound()
}

async function handleQueue(
  engine: LocalFalEngine,
  request: Request,
  path: string,
  url: URL,
  method: string,
  tag: string | undefined,
) {
  const faults = engine.faultsFor(tag)
  const target = parseQueuePath(path)
  if (!target) return notFound()

  if (target.kind === 'submit') {
    if (method !== 'POST') return jsonResponse({ detail: 'Method not allowed' }, { status: 405 })
    engine.counters.submits += 1
    engine.counters.submitsByEndpoint[target.endpointId] = (engine.counters.submitsByEndpoint[target.endpointId] ?? 0) + 1
    if (tag) engine.counters.submitsByTag[tag] = (engine.counters.submitsByTag[tag] ?? 0) + 1
    const endpoint = engine.catalog.find(target.endpointId)
    if (!endpoint) return notFound(`Application '${target.endpointId}' not found`)
    if (faults.rejectNextSubmits > 0) {
      faults.rejectNextSubmits -= 1
      const status = faults.rejectStatus
      return requestErrorResponse(
        status === 429
          ? { status, detail: 'Too many concurrent requests (injected fault).', errorType: 'rate_limited', retryable: true }
          : { status, detail: 'No runner is available right now (injected fault).', errorType: 'runner_scheduling_failure', retryable: true },
        status === 429 ? { 'retry-after': '1' } : {},
      )
    }
    const startTimeout = startTimeoutOf(request.headers)
    if (startTimeout === 'invalid') {
      return requestErrorResponse({
        status: 400,
        detail: `${REQUEST_TIMEOUT_HEADER} must be a number of seconds greater than ${MIN_START_TIMEOUT_S}.`,
        errorType: 'bad_request',
        retryable: false,
      })
    }
    const body = await readJsonBody(request, SUBMIT_BODY_MAX_BYTES)
    if (!body.ok && body.status === 413) return jsonResponse({ detail: body.detail }, { status: 413 })
    if (!body.ok) return modelErrorResponse([{ loc: ['body'], msg: 'The body is not valid JSON', type: 'value_error.jsondecode' }])
    const parsed = engine.compiledFor(endpoint).validator.safeParse(body.value)
    if (!parsed.success) return modelErrorResponse(validationDetails(parsed.error.issues))
    const webhook = url.searchParams.get('fal_webhook') ?? undefined
    const created = await engine.submit(endpoint, parsed.data, originOf(request), webhook, tag, startTimeout)
    const status = engine.statusOf(created, null)
    return jsonResponse(status, { headers: { 'x-fal-request-id': created.id } })
  }

  if (target.kind === 'cancel') return cancelRequest(engine, target.requestId, method)
  const found = engine.get(target.requestId)
  if (!found) return notFound('Request not found')

  switch (target.kind) {
    case 'status': {
      if (method !== 'GET') return jsonResponse({ detail: 'Method not allowed' }, { status: 405 })
      engine.counters.statusCalls += 1
      const withLogs = url.searchParams.get('logs') === '1'
      return jsonResponse(engine.statusOf(found, withLogs ? found.logs : null), { headers: { 'x-fal-request-id': found.id } })
    }
    case 'stream':
      if (method !== 'GET') return jsonResponse({ detail: 'Method not allowed' }, { status: 405 })
      engine.counters.streamCalls += 1
      // The server follows takes without the test's tag: a request's faults are those of the test that submitted it.
      return statusStream(engine, found, url.searchParams.get('logs') === '1', request.signal, tag ? faults : engine.faultsFor(found.testTag))
    case 'result':
      if (method !== 'GET') return jsonResponse({ detail: 'Method not allowed' }, { status: 405 })
      engine.counters.resultCalls += 1
      engine.counters.resultsByRequest[found.id] = (engine.counters.resultsByRequest[found.id] ?? 0) + 1
      return await resultOf(engine, found)
  }
}

/** fal's answers: 202 CANCELLATION_REQUESTED (queued or running), 400 ALREADY_COMPLETED, 404 NOT_FOUND. */
function cancelRequest(engine: LocalFalEngine, requestId: string, method: string): Response {
  if (method !== 'PUT') return jsonResponse({ detail: 'Method not allowed' }, { status: 405 })
  engine.counters.cancelCalls += 1
  const found = engine.get(requestId)
  if (!found) return jsonResponse({ status: 'NOT_FOUND' }, { status: 404 })
  const headers = { 'x-fal-request-id': found.id }
  if (engine.cancel(found) === 'completed') return jsonResponse({ status: 'ALREADY_COMPLETED' }, { status: 400, headers })
  return jsonResponse({ status: 'CANCELLATION_REQUESTED' }, { status: 202, headers })
}

/** `x-fal-request-timeout` in seconds: undefined when absent, 'invalid' when it is not a number above fal's least. */
function startTimeoutOf(headers: Headers): number | undefined | 'invalid' {
  const raw = headers.get(REQUEST_TIMEOUT_HEADER)?.trim()
  if (raw === undefined || raw === '') return undefined
  const seconds = Number(raw)
  return Number.isFinite(seconds) && seconds > MIN_START_TIMEOUT_S ? seconds : 'invalid'
}

/** A model's validation error (422), with the `X-Fal-Retryable` header fal sends with model errors. */
function modelErrorResponse(detail: ValidationDetail[], headers: HeadersInit = {}): Response {
  const response = validationErrorResponse(detail)
  new Headers(headers).forEach((value, key) => response.headers.set(key, value))
  response.headers.set('x-fal-retryable', 'false')
  return response
}

/** What the result call answers for a completed request: its output, or its error, as the model answered it. */
function completedAnswer(engine: LocalFalEngine, request: LocalRequest): Response {
  const headers = new Headers({ 'x-fal-request-id': request.id })
  const failure = request.failure
  if (!failure) {
    const units = engine.billableUnits(request)
    if (units !== undefined) headers.set(BILLABLE_UNITS_HEADER, String(units))
    headers.set('content-type', 'application/json')
    // The seed (any integer of the output) is a raw JSON number, as fal answers it, whatever its size.
    return new Response(stringifyExactJson(request.output ?? {}, engine.outputIntegerPaths(request.endpointId)), { headers })
  }
  if (failure.kind === 'validation') return modelErrorResponse(failure.detail, headers)
  // fal bills no server error and no cancelled request: it says so, in units (a model's 422 may be billed: no header).
  headers.set(BILLABLE_UNITS_HEADER, '0')
  if (failure.timeoutType) headers.set(REQUEST_TIMEOUT_TYPE_HEADER, failure.timeoutType)
  return requestErrorResponse(failure, headers)
}

/** fal's result call: 400 until COMPLETED, then the answer, for as long as fal keeps it (1 h, or 6 min from 10 KB); then 404. */
async function resultOf(engine: LocalFalEngine, request: LocalRequest): Promise<Response> {
  if (request.status !== 'COMPLETED') {
    return jsonResponse({ detail: 'Request is still in progress' }, { status: 400, headers: { 'x-fal-request-id': request.id } })
  }
  const answer = completedAnswer(engine, request)
  const body = new Uint8Array(await answer.arrayBuffer())
  if (engine.resultExpired(request, body.byteLength)) {
    engine.counters.expiredResults += 1
    return notFound('Request not found')
  }
  return new Response(body, { status: answer.status, headers: answer.headers })
}

/** A server-sent comment line: readers skip it; it keeps proxies from closing an idle stream. */
const KEEP_ALIVE = ': keep-alive\n\n'

/**
 * Server-sent events: one status per event, each with only the logs new since the previous one, a
 * keep-alive comment every `streamKeepAliveMs`, closed after COMPLETED.
 */
function statusStream(engine: LocalFalEngine, request: LocalRequest, withLogs: boolean, signal: AbortSignal, faults: Faults): Response {
  const encoder = new TextEncoder()
  const dropAfter = faults.dropStreamAfterEvents
  let stop = () => {}
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let sentLogs = 0
      let events = 0
      let closed = false
      let keepAlive: NodeJS.Timeout | undefined
      let unsubscribe = () => {}
      stop = () => {
        closed = true
        clearInterval(keepAlive)
        unsubscribe()
      }
      const close = () => {
        if (closed) return
        stop()
        controller.close()
      }
      const send = (current: LocalRequest) => {
        if (closed) return
        const logs = withLogs ? current.logs.slice(sentLogs) : null
        sentLogs = current.logs.length
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(engine.statusOf(current, logs))}\n\n`))
        events += 1
        if (current.status === 'COMPLETED' || (dropAfter > 0 && events >= dropAfter)) close()
      }
      unsubscribe = engine.subscribe(request.id, send)
      signal.addEventListener('abort', close)
      send(request)
      if (!closed && faults.streamKeepAliveMs > 0) {
        keepAlive = setInterval(() => {
          if (!closed) controller.enqueue(encoder.encode(KEEP_ALIVE))
        }, faults.streamKeepAliveMs)
      }
    },
    cancel() {
      stop()
    },
  })
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-fal-request-id': request.id,
    },
  })
}

async function initiateUpload(engine: LocalFalEngine, request: Request) {
  const read = await readJsonBody(request, SMALL_JSON_MAX_BYTES)
  if (!read.ok) return jsonResponse({ detail: read.detail }, { status: read.status })
  const body = (typeof read.value === 'object' && read.value !== null ? read.value : {}) as { content_type?: unknown; file_name?: unknown }
  // The type that is kept is read from the bytes later; one that is not media is refused already.
  if (typeof body.content_type !== 'string' || !isMediaType(body.content_type)) return refusalResponse(notMedia())
  const name = typeof body.file_name === 'string' ? body.file_name : 'upload'
  const file = await engine.files.reserve(name)
  const origin = originOf(request)
  return jsonResponse({ upload_url: `${origin}${UPLOAD_ROUTE}/${file.id}`, file_url: fileUrl(origin, file.id, file.fileName) })
}

function refusalResponse(refusal: UploadRefusal): Response {
  return jsonResponse({ detail: refusal.message, error_type: refusal.errorType }, { status: refusal.status })
}

/** The request's body as it streams in, with the length it declared. */
function uploadBody(request: Request): UploadBody {
  const declared = Number(request.headers.get('content-length') ?? NaN)
  return { body: request.body, ...(Number.isFinite(declared) ? { declaredLength: declared } : {}) }
}

/** fal's upload protocol on the simulator: PUT the file, or PUT numbered parts and POST `complete`. */
async function handleUpload(engine: LocalFalEngine, request: Request, rest: string, method: string) {
  const [id = '', part, extra] = rest.split('/')
  if (extra !== undefined) return notFound()
  try {
    if (method === 'PUT' && part === undefined) {
      await engine.files.write(id, uploadBody(request))
      engine.counters.uploads += 1
      return jsonResponse({ ok: true })
    }
    if (method === 'PUT' && part && /^\d{1,6}$/.test(part)) {
      const stored = await engine.files.writePart(id, Number(part), uploadBody(request))
      // fal's client reads `{ partNumber, etag }` from the body; the header is what object stores send.
      return jsonResponse(stored, { headers: { etag: `"${stored.etag}"` } })
    }
    if (method === 'POST' && part === 'complete') {
      await engine.files.completeParts(id, await listedParts(request))
      engine.counters.uploads += 1
      return jsonResponse({ ok: true })
    }
  } catch (error) {
    if (isUploadRefusal(error)) return refusalResponse(error)
    console.error('[local-fal] upload failed:', error instanceof Error ? error.message : error)
    return jsonResponse({ detail: 'The upload could not be stored.', error_type: 'upload_failed' }, { status: 500 })
  }
  return notFound()
}

/** The parts a `complete` lists (`{ parts: [{ partNumber, etag }] }`, as fal's client sends them); none when the body is not that. */
async function listedParts(request: Request): Promise<PartEtag[]> {
  const read = await readJsonBody(request, SMALL_JSON_MAX_BYTES)
  const parts = read.ok && typeof read.value === 'object' && read.value !== null ? (read.value as { parts?: unknown }).parts : undefined
  if (!Array.isArray(parts)) return []
  return parts.flatMap((part: unknown) => {
    const { partNumber, etag } = (typeof part === 'object' && part !== null ? part : {}) as { partNumber?: unknown; etag?: unknown }
    // An ETag as the header quotes it is the same ETag.
    return typeof partNumber === 'number' && typeof etag === 'string' ? [{ partNumber, etag: etag.replace(/^"(.*)"$/, '$1') }] : [{ partNumber: NaN, etag: '' }]
  })
}

async function handleControl(engine: LocalFalEngine, request: Request, method: string) {
  if (method === 'POST') {
    const read = await readJsonBody(request, SMALL_JSON_MAX_BYTES)
    const body = (read.ok && typeof read.value === 'object' && read.value !== null ? read.value : {}) as ControlBody
    if (body.faults && body.tag) engine.faultsByTag.set(body.tag, { ...(engine.faultsByTag.get(body.tag) ?? NO_FAULTS), ...body.faults })
    else if (body.faults) engine.faults = { ...engine.faults, ...body.faults }
    if (body.resetCounters) Object.assign(engine.counters, emptyCounters())
    if (body.platform !== undefined) {
      const applied = applyPlatformControl(body.platform)
      if (!applied.ok) return jsonResponse({ detail: applied.detail }, { status: 400 })
    }
    return jsonResponse({ faults: engine.faultsFor(body.tag), counters: engine.counters, platform: platformOverrides() })
  }
  return jsonResponse({ faults: engine.faults, counters: engine.counters, platform: platformOverrides() })
}
