import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, apiError } from '@/lib/http/api-error'
import { route } from '@/lib/http/route'
import { SLOW, useProcessDb } from './db-fixture'

const THINGS = 'http://127.0.0.1:3000/api/things'

function request(init: RequestInit & { headers?: Record<string, string> } = {}): Request {
  return new Request(THINGS, { method: 'POST', ...init, headers: { host: '127.0.0.1:3000', ...init.headers } })
}

/** Sets process.env variables for one test. */
const saved = new Map<string, string | undefined>()
function setEnv(values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) {
    if (!saved.has(name)) saved.set(name, process.env[name])
    process.env[name] = value
  }
}
afterEach(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  saved.clear()
})

describe('the API error shape', () => {
  it('is { detail, error_type }, with a type by status unless given, and field when there is one', async () => {
    const notFound = apiError(404, 'No such take')
    expect(notFound.status).toBe(404)
    expect(await notFound.json()).toEqual({ detail: 'No such take', error_type: 'not_found' })
    const limited = apiError(429, 'Slow down', 'studio_rate_limited', { 'retry-after': '5' })
    expect(limited.headers.get('retry-after')).toBe('5')
    expect(await new ApiError(409, 'Taken', { field: 'name' }).toResponse().json()).toEqual({ detail: 'Taken', error_type: 'conflict', field: 'name' })
  })
})

describe('the route wrapper', () => {
  useProcessDb()

  it('refuses a cross-site state change before anything else', async () => {
    const handler = vi.fn(() => new Response('ran'))
    const post = route({ access: 'anyone' }, handler)
    const crossSite: Record<string, string>[] = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }]
    for (const headers of crossSite) {
      const response = await post(request({ headers }))
      expect(response.status).toBe(403)
      expect(await response.json()).toEqual({ detail: 'Requests from another site are refused.', error_type: 'cross_site_refused' })
    }
    expect((await post(request({ headers: { origin: 'http://127.0.0.1:3000' } }))).status).toBe(200)
    expect(handler).toHaveBeenCalledTimes(1)
  })

  it(
    'asks for sign-in when the studio has a password, unless the route is for anyone (which is told)',
    async () => {
      setEnv({ TAKES_PASSWORD: `pw-${randomBytes(4).toString('hex')}` })
      const owners = vi.fn(() => new Response('ran'))
      const refused = await route({}, owners)(request({ headers: { cookie: 'takes_session=v2.forged.forged' } }))
      expect(refused.status).toBe(401)
      expect(await refused.json()).toEqual({ detail: 'Sign in first.', error_type: 'sign_in_required' })
      expect(owners).not.toHaveBeenCalled()
      const anyone = route({ access: 'anyone' }, (_request, { isOwner }) => Response.json({ isOwner }))
      expect(await (await anyone(request())).json()).toEqual({ isOwner: false })
    },
    SLOW,
  )

  it(
    'counts calls against the rate limit per address, and answers 429 without running the handler',
    async () => {
      setEnv({ TAKES_RATE_UPLOAD: '2' })
      const handler = vi.fn(() => new Response(null, { status: 204 }))
      const upload = route({ rateLimit: 'upload' }, handler)
      const from = (address: string) => request({ headers: { 'x-takes-client-address': address } })
      const address = `10.9.${randomBytes(1)[0]}.${randomBytes(1)[0]}`
      expect((await upload(from(address))).status).toBe(204)
      expect((await upload(from(address))).status).toBe(204)
      const limited = await upload(from(address))
      expect(limited.status).toBe(429)
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(await limited.json()).toMatchObject({ error_type: 'studio_rate_limited', detail: expect.stringContaining('at most 2 a minute') })
      expect(handler).toHaveBeenCalledTimes(2)
      // Another address has its own count.
      expect((await upload(from(`${address}0`))).status).toBe(204)
    },
    SLOW,
  )

  it('reads the JSON body under its cap: 413 over it, 400 when not JSON', async () => {
    const echo = route({ body: { json: 64 } }, (_request, { body }) => Response.json({ got: body }))
    expect(await (await echo(request({ body: '{"a":1}' }))).json()).toEqual({ got: { a: 1 } })
    const large = await echo(request({ body: JSON.stringify({ a: 'x'.repeat(100) }) }))
    expect(large.status).toBe(413)
    expect(await large.json()).toEqual({ detail: 'The body is over the 64-byte limit', error_type: 'body_too_large' })
    const broken = await echo(request({ body: '{' }))
    expect(broken.status).toBe(400)
    expect(await broken.json()).toEqual({ detail: 'The body is not valid JSON', error_type: 'invalid_request' })
  })

  it('reads form fields, with params; answers a thrown ApiError in its shape and anything else as a 500', async () => {
    const form = route<{ id: string }, { form: number }>({ access: 'anyone', body: { form: 1024 } }, (_request, { params, body }) =>
      Response.json({ id: params.id, name: body?.get('name') }),
    )
    const posted = request({ body: new URLSearchParams({ name: 'a take' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(await (await form(posted, { params: Promise.resolve({ id: 'abc' }) })).json()).toEqual({ id: 'abc', name: 'a take' })

    const refusing = route({}, () => {
      throw new ApiError(409, 'Taken', { field: 'name' })
    })
    expect(await (await refusing(request())).json()).toEqual({ detail: 'Taken', error_type: 'conflict', field: 'name' })
    const failing = route({}, () => {
      throw new Error('database password is hunter2')
    })
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {})
    const failed = await failing(request())
    quiet.mockRestore()
    expect(failed.status).toBe(500)
    const body = (await failed.json()) as { detail: string; error_type: string }
    expect(body.error_type).toBe('internal_error')
    expect(body.detail).not.toContain('hunter2')
  })
})
