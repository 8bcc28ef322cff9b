import 'server-only'
import { randomBytes } from 'node:crypto'
import { getDb, type Db } from '@/lib/db/client'
import { settingsOf, type Env } from '@/lib/settings'
import { deleteSession, insertSession, isSessionLive, studioSecret } from '@/lib/db/session-queries'
import { newSessionId, sameText, sessionFromCookieHeader, sessionIdOf, signSessionId, type SessionKeys } from './session-token'

export const SESSION_DAYS = 30

export interface AuthConfig {
  /** The studio's password; sign-in is required only when it is set. */
  password: string
}

/** Sign-in settings from the environment, or null when the studio has no password. */
export function authConfig(env: Env = process.env): AuthConfig | null {
  const { password } = settingsOf(env)
  return password ? { password } : null
}

/** Whether `given` is the password, compared in constant time. */
export function passwordMatches(config: AuthConfig, given: string): boolean {
  return sameText(config.password, given)
}

// Per process, on globalThis: proxy.ts and the route handlers are separate bundles with their own
// module instances, and a sign-out in one must be seen by the other.
const SECRETS = Symbol.for('takes.session-secrets')
const LIVE = Symbol.for('takes.live-sessions')
type Holder = { [SECRETS]?: WeakMap<Db, Promise<string>>; [LIVE]?: Map<string, number> }
const holder = globalThis as Holder

/** The random signing secret kept with the data (made by the first process that needs it), per database. */
async function storedSecret(): Promise<string> {
  const db = await getDb()
  const secrets = (holder[SECRETS] ??= new WeakMap())
  let secret = secrets.get(db)
  if (!secret) {
    secret = studioSecret('session-secret', () => randomBytes(32).toString('base64url'), db)
    secrets.set(db, secret)
    secret.catch(() => secrets.delete(db))
  }
  return secret
}

async function sessionKeys(config: AuthConfig, env: Env): Promise<SessionKeys> {
  return { secret: settingsOf(env).sessionSecret ?? (await storedSecret()), password: config.password }
}

/**
 * Sessions this process found live in the database lately, with when. Within LIVE_CACHE_MS a
 * session is not looked up again: so a sign-out on ANOTHER process (several processes on one
 * PostgreSQL) takes up to 2 s to reach this one; a sign-out on this process clears it at once.
 */
const LIVE_CACHE_MS = 2_000
const liveSessions = () => (holder[LIVE] ??= new Map())

/** Records a new session and answers the cookie value that carries it. */
export async function startSession(config: AuthConfig, env: Env = process.env): Promise<string> {
  const id = newSessionId()
  await insertSession(id, SESSION_DAYS * 86_400_000)
  return signSessionId(await sessionKeys(config, env), id)
}

/** Ends the session a cookie carries, on every process: its row is deleted. */
export async function endSession(token: string | undefined, env: Env = process.env): Promise<void> {
  const config = authConfig(env)
  if (!config || !token) return
  const id = sessionIdOf(await sessionKeys(config, env), token)
  if (!id) return
  liveSessions().delete(id)
  await deleteSession(id)
}

/** Whether a cookie value carries a session this studio signed (with its current password) that has not ended. */
export async function isSignedIn(config: AuthConfig, token: string | undefined, env: Env = process.env, now = Date.now()): Promise<boolean> {
  if (!token) return false
  const id = sessionIdOf(await sessionKeys(config, env), token)
  if (!id) return false
  const live = liveSessions()
  const checkedAt = live.get(id)
  if (checkedAt !== undefined && now - checkedAt < LIVE_CACHE_MS) return true
  if (!(await isSessionLive(id))) {
    live.delete(id)
    return false
  }
  if (live.size > 10_000) for (const [other, at] of live) if (now - at >= LIVE_CACHE_MS) live.delete(other)
  live.set(id, now)
  return true
}

/**
 * Whether a request may act as the studio's owner: the studio has no password, or the request
 * carries a live session. A database that cannot answer counts as signed out (logged).
 */
export async function isOwnerRequest(headers: Headers, env: Env = process.env): Promise<boolean> {
  const config = authConfig(env)
  if (!config) return true
  try {
    return await isSignedIn(config, sessionFromCookieHeader(headers.get('cookie')), env)
  } catch (error) {
    console.error('[takes] could not check a session:', error instanceof Error ? error.message : error)
    return false
  }
}

export { SESSION_COOKIE, sessionFromCookieHeader } from './session-token'
