import 'server-only'
import { createRouteHandler } from '@fal-ai/server-proxy/nextjs'
import type { NextRequest } from 'next/server'
import type { Catalog } from '@/lib/endpoints'
import { ORIGIN_HEADER } from '@/lib/local-fal/http'
import { compileSchema } from '@/lib/schema'
import { backendMode, falAuthorization, localBackendBase, type BackendMode } from './backend'
import { jsonResponse, validationDetails, validationErrorResponse } from './errors'
import { appIdOf, parseFalTarget, QUEUE_HOST, REST_HOST, type FalTarget } from './targets'

const TARGET_HEADER = 'x-fal-target-url'
const MAX_BODY_BYTES = 64 * 1024 * 1024

const METHOD_OF: Record<FalTarget['kind'], string> = {
  submit: 'POST',
  status: 'GET',
  stream: 'GET',
  result: 'GET',
  cancel: 'PUT',
  'upload-initiate': 'POST',
  'upload-initiate-multipart': 'POST',
}

/** The origin the caller used to reach the studio (Next.js rewrites `nextUrl`'s host to localhost). */
function requestOrigin(request: NextRequest): string {
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host') ?? request.nextUrl.host
  const protocol = request.headers.get('x-forwarded-proto') ?? request.nextUrl.protocol.replace(':', '')
  return `${protocol}://${host}`
}

function refuse(status: number, detail: string) {
  return jsonResponse({ detail }, { status })
}

/** Where a fal URL is sent: fal itself, or the same path on the local backend. */
function forwardUrl(mode: BackendMode, target: FalTarget, localBase: string): string {
  if (mode === 'fal') return `https://${target.host}${target.path}${target.search}`
  const prefix = target.host === QUEUE_HOST ? '/queue' : '/rest'
  return `${localBase}${prefix}${target.path}${target.search}`
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
  const validators = new Map(catalog.endpoints.map((endpoint) => [endpoint.id, compileSchema(endpoint.input).validator]))
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
    isAuthenticated: async () => true,
    resolveFalAuth: async () => (mode === 'fal' ? falAuthorization(env) : 'Key local-simulator'),
  })

  async function handle(request: NextRequest): Promise<Response> {
    const target = parseFalTarget(request.headers.get(TARGET_HEADER))
    if (!target) return refuse(403, 'This proxy only reaches the studio’s fal endpoints')
    if (request.method.toUpperCase() !== METHOD_OF[target.kind]) return refuse(405, 'Method not allowed for this target')
    if ('appId' in target && !appIds.has(target.appId)) return refuse(403, 'Endpoint is not in the studio’s catalog')

    let body: string | undefined
    if (request.method.toUpperCase() !== 'GET') {
      const declared = Number(request.headers.get('content-length') ?? 0)
      if (declared > MAX_BODY_BYTES) return refuse(413, 'Request body too large')
      body = await request.text()
      if (body.length > MAX_BODY_BYTES) return refuse(413, 'Request body too large')
    }

    if (target.kind === 'submit') {
      const validator = validators.get(target.endpointId)
      if (!validator) return refuse(403, 'Endpoint is not in the studio’s catalog')
      let input: unknown
      try {
        input = JSON.parse(body ?? '')
      } catch {
        return validationErrorResponse([{ loc: ['body'], msg: 'The body is not valid JSON', type: 'value_error.jsondecode' }])
      }
      const parsed = validator.safeParse(input)
      if (!parsed.success) return validationErrorResponse(validationDetails(parsed.error.issues))
    }

    const headers = new Headers()
    request.headers.forEach((value, key) => {
      const name = key.toLowerCase()
      if (name.startsWith('x-fal-') && name !== TARGET_HEADER && name !== ORIGIN_HEADER) headers.set(name, value)
      if (name === 'user-agent' || name === 'content-type' || name === 'accept') headers.set(name, value)
    })
    headers.set(TARGET_HEADER, forwardUrl(mode, target, localBase))
    if (mode === 'local') headers.set(ORIGIN_HEADER, env.TAKES_PUBLIC_URL ?? requestOrigin(request))
    const forwarded = new Request(request.url, { method: request.method, headers, body, signal: request.signal })
    const handler = forward[request.method.toUpperCase() as 'GET' | 'POST' | 'PUT']
    return handler(forwarded as NextRequest)
  }

  return { GET: handle, POST: handle, PUT: handle, mode }
}
