import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** The session cookie's name; its value is `v1.<expiry seconds>.<nonce>.<signature>`. */
export const SESSION_COOKIE = 'takes_session'
export const SESSION_DAYS = 30

export interface AuthConfig {
  /** The studio's password; sign-in is required only when it is set. */
  password: string
  /** Signs session cookies. */
  secret: string
}

/**
 * Sign-in settings from the environment, or null when the studio has no password. The secret is
 * `TAKES_SESSION_SECRET`, or one derived from the password (so changing the password signs everyone out).
 */
export function authConfig(env: Readonly<Record<string, string | undefined>> = process.env): AuthConfig | null {
  const password = env.TAKES_PASSWORD
  if (!password) return null
  const secret = env.TAKES_SESSION_SECRET || createHash('sha256').update(`takes-session:${password}`).digest('base64url')
  return { password, secret }
}

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64url')

function sameText(a: string, b: string): boolean {
  // Hashes first: equal lengths for timingSafeEqual, and no length leak.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())
}

/** Whether `given` is the password, compared in constant time. */
export function passwordMatches(config: AuthConfig, given: string): boolean {
  return sameText(config.password, given)
}

/** A new session token, valid for SESSION_DAYS. */
export function createSessionToken(config: AuthConfig, nowMs = Date.now()): string {
  const expires = Math.floor(nowMs / 1000) + SESSION_DAYS * 86_400
  const body = `v1.${expires}.${randomBytes(16).toString('base64url')}`
  return `${body}.${sign(config.secret, body)}`
}

/** Whether a cookie value is a session this server signed and that has not expired. */
export function isValidSession(config: AuthConfig, token: string | undefined, nowMs = Date.now()): boolean {
  if (!token) return false
  const parts = token.split('.')
  if (parts.length !== 4 || parts[0] !== 'v1') return false
  const [version, expires, nonce, signature] = parts as [string, string, string, string]
  if (!/^\d{1,12}$/.test(expires) || Number(expires) * 1000 <= nowMs) return false
  return sameText(sign(config.secret, `${version}.${expires}.${nonce}`), signature)
}

/** The session cookie's value from a Cookie header. */
export function sessionFromCookieHeader(header: string | null): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=')
    if (name === SESSION_COOKIE) return value.join('=')
  }
  return undefined
}

/** Whether a request may act as the studio's owner: the studio has no password, or the request carries a valid session. */
export function isOwnerRequest(headers: Headers, env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const config = authConfig(env)
  return !config || isValidSession(config, sessionFromCookieHeader(headers.get('cookie')))
}
