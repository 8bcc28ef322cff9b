import 'server-only'
import { settingsOf } from '@/lib/settings'
import { crossSiteRefused, signInRequired } from '@/lib/http/api-error'
import { handleRequest, resolveProxyConfig, type ProxyBehavior } from '@fal-ai/server-proxy'
import type { NextRequest } from 'next/server'
import type { Catalog } from '@/lib/endpoints'
import { isCrossOrigin } from '@/lib/auth/access'
import { isOwnerRequest, sessionFromCookieHeader } from '@/lib/auth/session'
import { clientAddress } from '@/lib/http/client-address'
import { isMediaType } from '@/lib/http/media-type'
import { publicOriginOf } from '@/lib/http/public-origin'
import { rateLimited, type RateScope } from '@/lib/http/rate-limit'
import { budgetRefusalResponse } from '@/lib/takes/spend-guard'
import { readCappedBody } from '@/lib/http/read-body'
import { ORIGIN_HEADER } from '@/lib/fal/local-simulator'
import { backendMode, falAuthorization, localBackendBase, type BackendMode } from './backend'
import { localSimulatorAuthorization } from './local-simulator-key'
import { serverFalClient } from './server-client'
import { submitTake } from '@/lib/takes/submit-take'
import { parseExactJson } from '@/lib/json/exact-json'
import { jsonResponse, validationErrorResponse } from './errors'
import { SUBMIT_BODY_MAX_BYTES } from './body-limits'
import { appIdOf, parseFalTarget, QUEUE_HOST, REST_HOST, type FalTarget } from './targets'
import { PARENT_TAKE_HEADER } from '@/lib/chains/continue-choices'

const TARGET_HEADER = 'x-fal-target-url'


/** Why an upload handshake is refused (a type no endpoint reads), or null. */
function uploadProblem(body: string | undefined): string | null {
  let parsed: unknown
  try {
    parsed = JSON.parse(body ?? '')
  } catch {
    return 'The upload request is not valid JSON'
  }
  const type = typeof parsed === 'object' && parsed !== null ? (parsed as { content_type?: unknown }).content_type : undefined
  // The media its endpoints read, never SVG; the bytes are checked again where they are stored.
  if (typeof type !== 'string' || !isMediaType(type)) return `Only video, audio and image files can be uploaded (this file is ${typeof type === 'string' && type ? type : 'of no known type'}).`
  return null
}

/** A body this small is read while the rate limit is counted (see `handle`). */
const SMALL_BODY_BYTES = 64 * 1024
/** Which calls count against which rate limit. */
const RATE_SCOPE: Partial<Record<FalTarget['kind'], RateScope>> = { submit: 'submit', 'upload-initiate': 'upload', 'upload-initiate-multipart': 'upload' }

const METHOD_OF: Record<FalTarget['kind'], string> = {
  submit: 'POST',
  status: 'GET',
  stream: 'GET',
  result: 'GET',
  cancel: 'PUT',
  'upload-initiate': 'POST',
  'upload-initiate-multipart': 'POST',
}

function refuse(status: number, detail: string) {
  return jsonResponse({ detail }, { status })
}

/** Where a fal URL is sent: fal itself, or the same path on the local backend. */
function forwardUrl(mode: BackendMode, target: FalTarget, localBase: string): string {
  const base = mode === 'fal' ? `https://${target.host}` : `${localBase}${target.host === QUEUE_HOST ? '/queue' : '/rest'}`
  const url = new URL(`${base}${target.path}${target.search}`)
  // Submits go through the take service, which adds the studio's own webhook; a caller's is never forwarded.
  url.searchParams.delete('fal_webhook')
  return url.toString()
}

/**
 * The key-holding proxy. Before anything leaves the server it checks that the target is one of
 * the calls the studio makes (a catalog endpoint's queue, or the storage upload handshake) and
 * validates a submit's body with the endpoint's own validator. Then `@fal-ai/server-proxy` forwards
 * it, with the server's key and never the caller's, to fal or to the local backend.
 */
export function createFalProxy(catalog: Catalog, env: NodeJS.ProcessEnv = process.env) {
  const mode = backendMode(env)
  const localBase = localBackendBase(env)
  const appIds = new Set(catalog.endpoints.map((endpoint) => appIdOf(endpoint.id)))
  const localPath = new URL(localBase).pathname.replace(/^\//, '')
  const client = serverFalClient(env)
  // Resolved once: `handleRequest` checks the target against these patterns, asks isAuthenticated and
  // resolveFalAuth, and forwards with the server's key and only the caller's x-fal-* headers.
  const forwardConfig = resolveProxyConfig({
    allowedUrlPatterns:
      mode === 'fal'
        ? [`${QUEUE_HOST}/**`, `${REST_HOST}/storage/upload/initiate*`]
        : [`${new URL(localBase).host}${new URL(localBase).pathname}/**`],
    // The library checks a POST's endpoint (except on fal.ai's own hosts). A submit never reaches it
    // (the take service submits), so the only POST it forwards is the upload handshake.
    allowedEndpoints: mode === 'fal' ? catalog.endpoints.map((endpoint) => endpoint.id) : [`${localPath}/rest/storage/upload/initiate*`],
    allowUnauthorizedRequests: false,
    // Signed in, when the studio has a password (checked before too; the library asks again).
    isAuthenticated: async (behavior) => {
      const cookie = behavior.getHeader('cookie')
      return isOwnerRequest(new Headers(cookie ? { cookie: Array.isArray(cookie) ? cookie.join('; ') : cookie } : {}), env)
    },
    resolveFalAuth: async () => (mode === 'fal' ? falAuthorization(env) : localSimulatorAuthorization()),
  })

  /** Forwards a checked call through `@fal-ai/server-proxy`, with the body already read (never a second Request). */
  function forward(method: string, headers: Headers, body: string | undefined): Promise<Response> {
    const responseHeaders = new Headers()
    const behavior: ProxyBehavior<Response> = {
      id: 'takes',
      method,
      getRequestBody: async () => body,
      getHeaders: () => Object.fromEntries(headers),
      getHeader: (name) => headers.get(name),
      sendHeader: (name, value) => responseHeaders.set(name, value),
      respondWith: (status, data) => jsonResponse(typeof data === 'string' ? { detail: data } : data, { status, headers: responseHeaders }),
      sendResponse: async (response) => new Response(response.body, { status: response.status, headers: responseHeaders }),
    }
    return handleRequest(behavior, forwardConfig)
  }

  async function handle(request: NextRequest): Promise<Response> {
    // This route is outside proxy.ts (its bodies are large), so it guards itself, before anything else.
    if (isCrossOrigin(request.method.toUpperCase(), request.headers, settingsOf(env).publicUrl)) return crossSiteRefused().toResponse()
    if (!(await isOwnerRequest(request.headers, env))) return signInRequired().toResponse()
    const target = parseFalTarget(request.headers.get(TARGET_HEADER))
    if (!target) return refuse(403, 'This proxy only reaches the studio’s fal endpoints')
    if (request.method.toUpperCase() !== METHOD_OF[target.kind]) return refuse(405, 'Method not allowed for this target')
    if ('appId' in target && !appIds.has(target.appId)) return refuse(403, 'Endpoint is not in the studio’s catalog')
    const scope = RATE_SCOPE[target.kind]
    const session = scope ? sessionFromCookieHeader(request.headers.get('cookie')) : null
    const count = () => (scope ? rateLimited(scope, [`address:${clientAddress(request.headers, env)}`, ...(session ? [`session:${session}`] : [])], env) : null)
    const readBody = () => (request.method.toUpperCase() !== 'GET' ? readCappedBody(request, SUBMIT_BODY_MAX_BYTES) : undefined)
    // A small body (an upload handshake) arrives while the count (a database round trip) is made; a large
    // one is read only once the count allows it, so a refused caller costs the server no upload.
    const declared = request.headers.get('content-length')
    const small = declared !== null && Number(declared) <= SMALL_BODY_BYTES
    const [limited, bytes] = small ? await Promise.all([count(), readBody()]) : [await count(), undefined]
    if (limited) return limited
    const read = small ? bytes : await readBody()
    if (read === null) return refuse(413, 'Request body too large')
    const body = read === undefined ? undefined : Buffer.from(read).toString('utf8')

    if (target.kind === 'upload-initiate' || target.kind === 'upload-initiate-multipart') {
      const problem = uploadProblem(body)
      if (problem) return refuse(415, problem)
    }

    if (target.kind === 'submit') {
      if (!catalog.find(target.endpointId)) return refuse(403, 'Endpoint is not in the studio’s catalog')
      return submitThroughService(target.endpointId, body, request.headers)
    }

    const headers = new Headers()
    request.headers.forEach((value, key) => {
      const name = key.toLowerCase()
      // For isAuthenticated only: the server proxy forwards nothing but x-fal-* headers to fal.
      if (name === 'cookie') headers.set(name, value)
      if (name.startsWith('x-fal-') && name !== TARGET_HEADER && name !== ORIGIN_HEADER) headers.set(name, value)
      if (name === 'user-agent' || name === 'content-type' || name === 'accept') headers.set(name, value)
    })
    headers.set(TARGET_HEADER, forwardUrl(mode, target, localBase))
    if (mode === 'local') headers.set(ORIGIN_HEADER, filesOrigin(request.headers))
    return forward(request.method.toUpperCase(), headers, body)
  }

  /** Where the simulator's file URLs must lead: this server's own origin, or a shared simulator's; never the caller's say. */
  function filesOrigin(headers: Headers): string {
    const { localFalUrl, publicUrl } = settingsOf(env)
    return localFalUrl && !publicUrl ? new URL(localBase).origin : publicOriginOf(headers, env)
  }

  /** A submit goes to the take service (which submits with the server's own client), never forwarded as is. */
  async function submitThroughService(endpointId: string, body: string | undefined, headers: Headers): Promise<Response> {
    let input: unknown
    try {
      input = parseExactJson(body ?? '')
    } catch {
      return validationErrorResponse([{ loc: ['body'], msg: 'The body is not valid JSON', type: 'value_error.jsondecode' }])
    }
    // fal's own headers (priority, runner hint, timeouts), as the server proxy would forward them.
    const queueHeaders: Record<string, string> = {}
    headers.forEach((value, name) => {
      if (name.startsWith('x-fal-') && name !== TARGET_HEADER && name !== ORIGIN_HEADER) queueHeaders[name] = value
    })
    if (mode === 'local') queueHeaders[ORIGIN_HEADER] = filesOrigin(headers)
    // A continued take's parent: a studio header (never an x-fal- one, so never forwarded to fal).
    const parentTakeId = headers.get(PARENT_TAKE_HEADER)
    const result = await submitTake({ endpointId, input, headers: queueHeaders, ...(parentTakeId !== null ? { parentTakeId } : {}) }, { client, env })
    switch (result.outcome) {
      case 'queued':
        return jsonResponse({ ...result.queued, take_id: result.take.id }, { headers: { 'x-fal-request-id': result.queued.request_id } })
      case 'invalid':
        return validationErrorResponse(result.details)
      case 'over-budget':
        return budgetRefusalResponse(result.refusal, result.assumptions)
      case 'unrecorded':
        return refuse(503, 'The studio could not record this take, so it was not submitted. Try again in a moment.')
      case 'refused':
        // fal's own answer, as fal gave it: the browser's client reads it as it would from fal.
        return jsonResponse(result.cause.body ?? { detail: result.error.message }, { status: result.cause.status })
      case 'unanswered':
        // Not a status the browser's client retries: fal may have accepted it, and a retry would run it twice.
        return jsonResponse(
          { detail: 'fal did not confirm this take. It is kept in History and marked lost if fal never confirms it; check your fal dashboard before running it again.', error_type: 'submit_unanswered', take_id: result.take.id },
          { status: 500 },
        )
    }
  }

  return { GET: handle, POST: handle, PUT: handle, mode }
}
