import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * The session cookie's value: `v2.<session id>.<signature>`. The id names a row in `sessions`
 * (signing out deletes it); the signature is an HMAC, under the studio's random secret, over the id
 * and a tag of the password, so that a changed password invalidates every cookie. Nothing in the
 * cookie is derived from the password alone: a stolen cookie gives nothing to test guesses against.
 */
export const SESSION_COOKIE = 'takes_session'
const VERSION = 'v2'
const SESSION_ID = /^[A-Za-z0-9_-]{22}$/

export interface SessionKeys {
  /** The random signing secret (studio_secrets 'session-secret', or TAKES_SESSION_SECRET). */
  secret: string
  password: string
}

/** A new session id: 128 random bits. */
export const newSessionId = (): string => randomBytes(16).toString('base64url')

function signatureOf(keys: SessionKeys, id: string): string {
  const passwordTag = createHash('sha256').update(`takes-password:${keys.password}`).digest('base64url')
  return createHmac('sha256', keys.secret).update(`${VERSION}.${id}.${passwordTag}`).digest('base64url')
}

/** Whether two strings are equal, compared in constant time (hashes first: equal lengths, no length leak). */
export function sameText(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())
}

export function signSessionId(keys: SessionKeys, id: string): string {
  return `${VERSION}.${id}.${signatureOf(keys, id)}`
}

/** The session id a cookie value carries, when these keys signed it; null for anything else. */
export function sessionIdOf(keys: SessionKeys, token: string | undefined): string | null {
  const parts = token?.split('.')
  if (parts?.length !== 3) return null
  const [version, id, signature] = parts as [string, string, string]
  if (version !== VERSION || !SESSION_ID.test(id)) return null
  return sameText(signatureOf(keys, id), signature) ? id : null
}

/** The session cookie's value from a Cookie header. */
export function sessionFromCookieHeader(header: string | null): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=')
    if (name === SESSION_COOKIE) return value.join('=')
  }
  return undefined
}
