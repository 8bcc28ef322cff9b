import { createHash, createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { SLOW, useProcessDb } from './db-fixture'
import { authConfig, endSession, isOwnerRequest, isSignedIn, passwordMatches, startSession } from '@/lib/auth/session'
import { SESSION_COOKIE, sessionFromCookieHeader, sessionIdOf, signSessionId } from '@/lib/auth/session-token'

const env = { TAKES_PASSWORD: 'hunter2' }
const config = authConfig(env)!
const cookieHeaders = (token: string) => new Headers({ cookie: `a=1; ${SESSION_COOKIE}=${token}; b=2` })

/** What a v1 cookie was: signed with a secret derived from the password alone (so one cookie let an attacker test guesses offline). */
function oldStyleToken(password: string): string {
  const secret = createHash('sha256').update(`takes-session:${password}`).digest('base64url')
  const body = `v1.${Math.floor(Date.now() / 1000) + 86_400}.AAAAAAAAAAAAAAAAAAAAAA`
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`
}

describe('sign-in settings', () => {
  it('needs a password, and compares it exactly in constant time', () => {
    expect(authConfig({})).toBeNull()
    expect(authConfig({ TAKES_PASSWORD: '' })).toBeNull()
    expect(passwordMatches(config, 'hunter2')).toBe(true)
    for (const wrong of ['hunter', 'hunter22', 'Hunter2', '']) expect(passwordMatches(config, wrong)).toBe(false)
  })

  it('reads the cookie from a Cookie header', () => {
    expect(sessionFromCookieHeader('a=1; takes_session=v2.x.y=; b=2')).toBe('v2.x.y=')
    expect(sessionFromCookieHeader(null)).toBeUndefined()
  })

  it('signs a session id with the secret and a tag of the password, and reads back only what it signed', () => {
    const keys = { secret: 's'.repeat(43), password: 'hunter2' }
    const id = 'AAAAAAAAAAAAAAAAAAAAAA'
    const token = signSessionId(keys, id)
    expect(token).toMatch(/^v2\.AAAAAAAAAAAAAAAAAAAAAA\.[A-Za-z0-9_-]{43}$/)
    expect(token).not.toContain('hunter2')
    expect(sessionIdOf(keys, token)).toBe(id)
    expect(sessionIdOf({ ...keys, password: 'other' }, token)).toBeNull()
    expect(sessionIdOf({ ...keys, secret: 'other' }, token)).toBeNull()
    const [version, , signature] = token.split('.')
    expect(sessionIdOf(keys, `${version}.BAAAAAAAAAAAAAAAAAAAAA.${signature}`)).toBeNull()
    for (const junk of [undefined, '', 'v2', 'v2.a.b', `${token}.extra`, token.replace('v2', 'v1'), oldStyleToken('hunter2')]) {
      expect(sessionIdOf(keys, junk), String(junk)).toBeNull()
    }
  })
})

describe('server-side sessions', () => {
  useProcessDb()

  it(
    'a session lives in the database: signing out ends it at once in this process',
    async () => {
      const token = await startSession(config, env)
      expect(await isSignedIn(config, token, env)).toBe(true)
      expect(await isOwnerRequest(cookieHeaders(token), env)).toBe(true)
      await endSession(token, env)
      expect(await isSignedIn(config, token, env)).toBe(false)
      expect(await isOwnerRequest(cookieHeaders(token), env)).toBe(false)
      // Signing out twice, or with junk, is harmless.
      await endSession(token, env)
      await endSession('junk', env)
    },
    SLOW,
  )

  it(
    'a session ended by another process (its row deleted) is refused once this process’s 2 s memory of it lapses',
    async () => {
      const { deleteSession } = await import('@/lib/db/session-queries')
      const { getSecret } = await secretOf()
      const now = Date.now()
      const token = await startSession(config, env)
      expect(await isSignedIn(config, token, env, now)).toBe(true)
      await deleteSession(sessionIdOf({ secret: await getSecret(), password: config.password }, token)!)
      expect(await isSignedIn(config, token, env, now + 1_000)).toBe(true)
      expect(await isSignedIn(config, token, env, now + 2_001)).toBe(false)
    },
    SLOW,
  )

  it(
    'signs with a random secret kept with the data, never one derived from the password',
    async () => {
      const { getSecret, rows } = await secretOf()
      const secret = await getSecret()
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(secret).not.toBe(createHash('sha256').update('takes-session:hunter2').digest('base64url'))
      const token = await startSession(config, env)
      expect(sessionIdOf({ secret, password: 'hunter2' }, token)).not.toBeNull()
      expect(await rows()).toBe(1)
      // The same secret on the next sign-in (and after a restart: it is read from the table).
      expect(sessionIdOf({ secret, password: 'hunter2' }, await startSession(config, env))).not.toBeNull()
      // Cookies of the old scheme, or of the new one under the old password-derived secret, are refused.
      expect(await isSignedIn(config, oldStyleToken('hunter2'), env)).toBe(false)
      const derived = createHash('sha256').update('takes-session:hunter2').digest('base64url')
      expect(await isSignedIn(config, signSessionId({ secret: derived, password: 'hunter2' }, sessionIdOf({ secret, password: 'hunter2' }, token)!), env)).toBe(false)
    },
    SLOW,
  )

  it(
    'changing the password, or TAKES_SESSION_SECRET, signs everyone out',
    async () => {
      const token = await startSession(config, env)
      const changed = { TAKES_PASSWORD: 'correct horse' }
      expect(await isSignedIn(authConfig(changed)!, token, changed)).toBe(false)
      expect(await isOwnerRequest(cookieHeaders(token), changed)).toBe(false)
      const withSecret = { ...env, TAKES_SESSION_SECRET: 'a configured secret' }
      expect(await isSignedIn(config, token, withSecret)).toBe(false)
      const configured = await startSession(config, withSecret)
      expect(await isSignedIn(config, configured, withSecret)).toBe(true)
      expect(await isSignedIn(config, configured, env)).toBe(false)
    },
    SLOW,
  )

  it(
    'refuses expired sessions and forgets them at the next sign-in',
    async () => {
      const { insertSession } = await import('@/lib/db/session-queries')
      const { getSecret } = await secretOf()
      const keys = { secret: await getSecret(), password: config.password }
      const expiredId = 'EXPIREDAAAAAAAAAAAAAAA'
      await insertSession(expiredId, -1_000)
      expect(await isSignedIn(config, signSessionId(keys, expiredId), env)).toBe(false)
      await startSession(config, env)
      expect(await sessionRow(expiredId)).toBe(false)
    },
    SLOW,
  )

  it('lets anyone in when the studio has no password, and no one with a forged cookie when it has', async () => {
    expect(await isOwnerRequest(new Headers(), {})).toBe(true)
    expect(await isOwnerRequest(new Headers(), env)).toBe(false)
    expect(await isOwnerRequest(cookieHeaders('v2.AAAAAAAAAAAAAAAAAAAAAA.forged'), env)).toBe(false)
  })
})

/** The stored session secret and the number of stored secrets, read straight from the process database. */
async function secretOf() {
  const { getDb } = await import('@/lib/db/client')
  const { studioSecrets } = await import('@/lib/db/schema')
  const { eq } = await import('drizzle-orm')
  const db = await getDb()
  return {
    getSecret: async () => {
      const [row] = await db.select().from(studioSecrets).where(eq(studioSecrets.name, 'session-secret'))
      if (!row) throw new Error('no session secret stored')
      return row.value
    },
    rows: async () => (await db.select().from(studioSecrets)).length,
  }
}

async function sessionRow(id: string): Promise<boolean> {
  const { getDb } = await import('@/lib/db/client')
  const { sessions } = await import('@/lib/db/schema')
  const { eq } = await import('drizzle-orm')
  return (await (await getDb()).select().from(sessions).where(eq(sessions.id, id))).length > 0
}
