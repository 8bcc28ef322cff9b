import 'server-only'
import { NextRequest } from 'next/server'
import { isCrossOrigin } from '@/lib/auth/access'
import { isOwnerRequest, sessionFromCookieHeader } from '@/lib/auth/session'
import { settingsOf } from '@/lib/settings'
import { ApiError, crossSiteRefused, signInRequired } from './api-error'
import { clientAddress } from './client-address'
import { rateLimited, type RateScope } from './rate-limit'
import { readCappedBody, readJsonBody } from './read-body'

/** What a route reads of its body: JSON, or form fields (URL-encoded or multipart), up to `maxBytes`. */
export type BodyRead = { json: number } | { form: number }

type BodyOf<Read extends BodyRead | undefined> = Read extends { json: number } ? unknown : Read extends { form: number } ? FormData | null : undefined

export interface RouteOptions<Read extends BodyRead | undefined> {
  /**
   * `owner` (the default): signed in, when the studio has a password. `anyone`: the handler decides,
   * told whether the caller is the owner (kept media, sign-in).
   */
  access?: 'owner' | 'anyone'
  /** Counts each call against this limit, per address and per session. */
  rateLimit?: RateScope
  body?: Read
}

export interface RouteContext<Params, Read extends BodyRead | undefined> {
  params: Params
  isOwner: boolean
  /** JSON: the parsed value; form: the fields, or null when they could not be parsed. */
  body: BodyOf<Read>
}

type Handler<Params, Read extends BodyRead | undefined> = (request: NextRequest, context: RouteContext<Params, Read>) => Promise<Response> | Response

async function readBody(request: NextRequest, read: BodyRead | undefined): Promise<unknown> {
  if (!read) return undefined
  if ('json' in read) {
    const body = await readJsonBody(request, read.json)
    if (!body.ok) throw new ApiError(body.status, body.detail)
    return body.value
  }
  const bytes = await readCappedBody(request, read.form)
  if (!bytes) throw new ApiError(413, `The form is over the ${read.form}-byte limit.`)
  return new Response(bytes, { headers: { 'content-type': request.headers.get('content-type') ?? '' } }).formData().catch(() => null)
}

/**
 * A route handler with the studio's guards, in order: cross-site refusal of state-changing requests,
 * sign-in (proxy.ts checks it too; this holds should a route leave its matcher), the rate limit, and
 * the body read under its byte cap. A thrown ApiError is answered in its shape; anything else is
 * logged and answered 500.
 */
export function route<Params extends Record<string, string | string[]> = Record<string, never>, Read extends BodyRead | undefined = undefined>(
  options: RouteOptions<Read>,
  handler: Handler<Params, Read>,
): (request: Request, context?: { params: Promise<Params> }) => Promise<Response> {
  return async (plain, context) => {
    const request = plain instanceof NextRequest ? plain : new NextRequest(plain)
    try {
      const { headers } = request
      if (isCrossOrigin(request.method.toUpperCase(), headers, settingsOf().publicUrl)) throw crossSiteRefused()
      const isOwner = await isOwnerRequest(headers)
      if (!isOwner && (options.access ?? 'owner') === 'owner') throw signInRequired()
      if (options.rateLimit) {
        const session = sessionFromCookieHeader(headers.get('cookie'))
        const limited = await rateLimited(options.rateLimit, [`address:${clientAddress(headers)}`, ...(session ? [`session:${session}`] : [])])
        if (limited) return limited
      }
      const body = (await readBody(request, options.body)) as BodyOf<Read>
      const params = context ? await context.params : ({} as Params)
      return await handler(request, { params, isOwner, body })
    } catch (error) {
      if (error instanceof ApiError) return error.toResponse()
      console.error(`[takes] ${request.method} ${request.nextUrl.pathname} failed:`, error instanceof Error ? error.message : error)
      return new ApiError(500, 'The studio could not answer this request. Try again in a moment.').toResponse()
    }
  }
}
