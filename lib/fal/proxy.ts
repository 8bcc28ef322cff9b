import 'server-only'
import { createRouteHandler } from '@fal-ai/server-proxy/nextjs'
import type { NextRequest } from 'next/server'
import type { Catalog } from '@/lib/endpoints'
import { isCrossOrigin } from '@/lib/auth/access'
import { isOwnerRequest, sessionFromCookieHeader } from '@/lib/auth/session'
import { clientAddress } from '@/lib/http/client-address'
import { isMediaType } from '@/lib/http/media-type'
import { publicOriginOf } from '@/lib/http/public-origin'
import { rateLimited, type RateScope } from '@/lib/http/rate-limit'
import { estimateTake, pricedEndpoint } from '@/lib/pricing/estimate'
import { budgetRefusalResponse } from '@/lib/takes/spend-guard'
import { readCappedBody } from '@/lib/http/read-body'
import { ORIGIN_HEADER } from '@/lib/local-fal/http'
import { compileSchema, type Payload } from '@/lib/schema'
import { mediaUrlProblems } from '@/lib/schema/media-urls'
import type { Take } from '@/lib/db/queries'
import { inputMediaFacts } from '@/lib/takes/input-media-facts'
import { abandonSubmit, confirmSubmit, recordSubmit } from '@/lib/takes/record-take'
import { backendMode, falAuthorization, localBackendBase, type BackendMode } from './backend'
import { localSimulatorAuthorization } from './local-simulator-key'
import { webhookUrlOf } from './webhook-route'
import { jsonResponse, validationDetails, validationErrorResponse } from './errors'
import { SUBMIT_BODY_MAX_BYTES } from './body-limits'
import { appIdOf, parseFalTarget, QUEUE_HOST, REST_HOST, type FalTarget } from './targets'

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

/** Where a fal URL is sent: fal itself, or the same path on the local backend; submits carry the webhook. */
function forwardUrl(mode: BackendMode, target: FalTarget, localBase: string, env: NodeJS.ProcessEnv): string {
  const base = mode === 'fal' ? `https://${target.host}` : `${localBase}${target.host === QUEUE_HOST ? '/queue' : '/rest'}`
  const url = new URL(`${base}${target.path}${target.search}`)
  // The webhook is the studio's own, from its configuration; a caller's is dropped, never forwarded.
  url.searchParams.delete('fal_webhook')
  const webhookUrl = target.kind === 'submit' ? webhookUrlOf(env) : undefined
  if (webhookUrl) url.searchParams.set('fal_webhook', webhookUrl)
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
  const compiled = new Map(catalog.endpoints.map((endpoint) => [endpoint.id, { endpoint, ...compileSchema(endpoint.input) }]))
  const localPath = new URL(localBase).pathname.replace(/^\//, '')
  const forward = createRouteHandler({
    allowedUrlPatterns:
      mode === 'fal'
        ? [`${QUEUE_HOST}/**`, `${REST_HOST}/storage/upload/initiate*`]
        : [`${new URL(localBase).host}${new URL(localBase).pathname}/**`],
    allowedEndpoints:
      mode === 'fal'
        ? catalog.endpoints.map((endpoint) => endpoint.id)
        : [
            ...catalog.endpoints.map((endpoint) => `${localPath}/queue/${endpoint.id}`),
            `${localPath}/rest/storage/upload/initiate*`,
          ],
    allowUnauthorizedRequests: false,
    // Signed in, when the studio has a password (the route's proxy.ts checks it too).
    isAuthenticated: async (behavior) => {
      const cookie = behavior.getHeader('cookie')
      return isOwnerRequest(new Headers(cookie ? { cookie: Array.isArray(cookie) ? cookie.join('; ') : cookie } : {}), env)
    },
    resolveFalAuth: async () => (mode === 'fal' ? falAuthorization(env) : localSimulatorAuthorization()),
  })

  async function handle(request: NextRequest): Promise<Response> {
    // This route is outside proxy.ts (its bodies are large), so it guards itself, before anything else.
    if (isCrossOrigin(request.method.toUpperCase(), request.headers, env.TAKES_PUBLIC_URL)) return refuse(403, 'Requests from another site are refused.')
    if (!(await isOwnerRequest(request.headers, env))) {
      return jsonResponse({ detail: 'Sign in first.', error_type: 'sign_in_required' }, { status: 401 })
    }
    const target = parseFalTarget(request.headers.get(TARGET_HEADER))
    if (!target) return refuse(403, 'This proxy only reaches the studio’s fal endpoints')
    if (request.method.toUpperCase() !== METHOD_OF[target.kind]) return refuse(405, 'Method not allowed for this target')
    if ('appId' in target && !appIds.has(target.appId)) return refuse(403, 'Endpoint is not in the studio’s catalog')
    const scope = RATE_SCOPE[target.kind]
    if (scope) {
      const session = sessionFromCookieHeader(request.headers.get('cookie'))
      const limited = rateLimited(scope, [`address:${clientAddress(request.headers, env)}`, ...(session ? [`session:${session}`] : [])], env)
      if (limited) return limited
    }

    let body: string | undefined
    if (request.method.toUpperCase() !== 'GET') {
      const bytes = await readCappedBody(request, SUBMIT_BODY_MAX_BYTES)
      if (!bytes) return refuse(413, 'Request body too large')
      body = Buffer.from(bytes).toString('utf8')
    }

    if (target.kind === 'upload-initiate' || target.kind === 'upload-initiate-multipart') {
      const problem = uploadProblem(body)
      if (problem) return refuse(415, problem)
    }

    let submit: { take: Take } | undefined
    if (target.kind === 'submit') {
      const entry = compiled.get(target.endpointId)
      if (!entry) return refuse(403, 'Endpoint is not in the studio’s catalog')
      let input: unknown
      try {
        input = JSON.parse(body ?? '')
      } catch {
        return validationErrorResponse([{ loc: ['body'], msg: 'The body is not valid JSON', type: 'value_error.jsondecode' }])
      }
      const parsed = entry.validator.safeParse(input)
      if (!parsed.success) return validationErrorResponse(validationDetails(parsed.error.issues))
      const badMedia = mediaUrlProblems(entry.fields, input as Payload)
      if (badMedia.length) return validationErrorResponse(badMedia.map(({ field, message }) => ({ loc: ['body', field], msg: message, type: 'value_error.url.scheme' })))
      try {
        const { facts: media } = await inputMediaFacts(input as Payload, mode, env)
        const estimate = estimateTake(pricedEndpoint(entry.endpoint, entry), input as Payload, media)
        // The input as sent (not as parsed), so a remix reproduces it exactly.
        const recorded = await recordSubmit(entry.endpoint, input as Payload, estimate.amount, undefined, env)
        if ('refusal' in recorded) return budgetRefusalResponse(recorded.refusal, estimate.assumptions)
        submit = recorded
      } catch (error) {
        console.error('[takes] could not record a take:', error instanceof Error ? error.message : error)
        return refuse(503, 'The studio could not record this take, so it was not submitted. Try again in a moment.')
      }
    }

    const headers = new Headers()
    request.headers.forEach((value, key) => {
      const name = key.toLowerCase()
      // For isAuthenticated only: the server proxy forwards nothing but x-fal-* headers to fal.
      if (name === 'cookie') headers.set(name, value)
      if (name.startsWith('x-fal-') && name !== TARGET_HEADER && name !== ORIGIN_HEADER) headers.set(name, value)
      if (name === 'user-agent' || name === 'content-type' || name === 'accept') headers.set(name, value)
    })
    headers.set(TARGET_HEADER, forwardUrl(mode, target, localBase, env))
    // File URLs must lead to the backend that holds the files: this server's own, or a shared one.
    if (mode === 'local') headers.set(ORIGIN_HEADER, env.TAKES_LOCAL_FAL_URL && !env.TAKES_PUBLIC_URL ? new URL(localBase).origin : publicOriginOf(request.headers, env))
    const forwarded = new Request(request.url, { method: request.method, headers, body, signal: request.signal })
    const handler = forward[request.method.toUpperCase() as 'GET' | 'POST' | 'PUT']
    // A forward that throws leaves the take recorded: fal may have accepted it, and the follower
    // ends it as lost once its submit lease lapses rather than forgetting a paid take.
    const response = await handler(forwarded as NextRequest)
    return submit ? answerSubmit(submit.take, response) : response
  }

  /** Links fal's answer to the recorded take, and tells the browser the take's id. */
  async function answerSubmit(take: Take, response: Response): Promise<Response> {
    // fal refused it (4xx): nothing runs, nothing is billed. A 5xx may hide an accepted submit: the take
    // stays recorded, and the follower ends it as lost once its submit lease lapses.
    if (response.status >= 400 && response.status < 500) {
      await abandonSubmit(take).catch(() => {})
      return response
    }
    if (!response.ok) return response
    const queued = (await response.json()) as { request_id?: unknown; queue_position?: unknown }
    if (typeof queued.request_id !== 'string') {
      console.error(`[takes] fal's submit answer for take ${take.id} had no request id`)
      return jsonResponse({ ...queued, take_id: take.id }, { status: response.status })
    }
    const position = typeof queued.queue_position === 'number' ? queued.queue_position : undefined
    await confirmSubmit(take, queued.request_id, position)
    return jsonResponse({ ...queued, take_id: take.id }, { status: response.status, headers: { 'x-fal-request-id': queued.request_id } })
  }

  return { GET: handle, POST: handle, PUT: handle, mode }
}
