import { describe, expect, it } from 'vitest'
import { allowedHostsFrom, hostRefusal, parseHost } from '@/lib/http/allowed-hosts.mjs'

const DEFAULTS = allowedHostsFrom({})

function refused(host: string | undefined, env: Record<string, string> = {}, extra: { forwardedHost?: string | string[]; target?: string } = {}) {
  return hostRefusal({ host, ...extra }, Object.keys(env).length ? allowedHostsFrom(env) : DEFAULTS)
}

describe('parseHost', () => {
  it('splits name and port, lower-cases and drops a trailing dot', () => {
    expect(parseHost('LocalHost.:3140')).toEqual({ name: 'localhost', port: '3140' })
    expect(parseHost('[::1]:80')).toEqual({ name: '[::1]', port: '80' })
    expect(parseHost('studio.example.com')).toEqual({ name: 'studio.example.com', port: null })
  })

  it('takes nothing but host[:port]', () => {
    for (const value of ['', 'evil.example@127.0.0.1', '127.0.0.1/x', 'a b', '::1', 'host:port', 'host:123456', '[::1]x', '..']) {
      expect(parseHost(value), value).toBeNull()
    }
  })
})

describe('hostRefusal', () => {
  it('answers the loopback names on any port', () => {
    for (const host of ['localhost', 'localhost:3000', '127.0.0.1:3140', '[::1]:3140', '[::1]', 'LOCALHOST:1']) {
      expect(refused(host), host).toBeNull()
    }
  })

  it('refuses other names with 421, naming the setting that admits them', () => {
    for (const host of ['evil.example', 'evil.example:3140', '127.0.0.1.nip.io:3140', 'localhost.evil.example', '0.0.0.0:3140', '2130706433', '[0:0:0:0:0:0:0:1]', 'sub.localhost']) {
      const refusal = refused(host)
      expect(refusal, host).toMatchObject({ status: 421 })
      expect(refusal?.message).toContain('TAKES_ALLOWED_HOSTS')
    }
    expect(refused('Evil.Example:3140')?.message).toContain('the host evil.example:3140')
  })

  it('refuses a request that names no host, and does not echo a malformed one', () => {
    expect(refused(undefined)?.message).toContain('names no host')
    expect(refused('')?.status).toBe(421)
    expect(refused('<script>')?.message).not.toContain('<script>')
  })

  it('answers the host of TAKES_PUBLIC_URL on any port, and the address it listens on', () => {
    const env = { TAKES_PUBLIC_URL: 'https://Studio.Example.com/base', HOSTNAME: '192.168.1.5' }
    expect(refused('studio.example.com', env)).toBeNull()
    expect(refused('studio.example.com:8443', env)).toBeNull()
    expect(refused('192.168.1.5:3000', env)).toBeNull()
    expect(refused('example.com', env)).not.toBeNull()
    expect(refused('[::]:3000', { HOSTNAME: '::' })).not.toBeNull()
    expect(refused('0.0.0.0:3000', { HOSTNAME: '0.0.0.0' })).not.toBeNull()
    expect(refused('[fd00::5]:3000', { HOSTNAME: 'fd00::5' })).toBeNull()
  })

  it('answers TAKES_ALLOWED_HOSTS entries: a bare name on any port, name:port on that port only', () => {
    const env = { TAKES_ALLOWED_HOSTS: ' studio.lan , box.lan:8080,[fd00::1]' }
    expect(refused('studio.lan:3000', env)).toBeNull()
    expect(refused('box.lan:8080', env)).toBeNull()
    expect(refused('box.lan:3000', env)).not.toBeNull()
    expect(refused('box.lan', env)).not.toBeNull()
    expect(refused('[fd00::1]:3000', env)).toBeNull()
    expect(refused('localhost', env)).toBeNull()
  })

  it('refuses a bad setting at start rather than guessing', () => {
    expect(() => allowedHostsFrom({ TAKES_ALLOWED_HOSTS: 'https://studio.lan' })).toThrow(/TAKES_ALLOWED_HOSTS/)
    expect(() => allowedHostsFrom({ TAKES_PUBLIC_URL: 'studio.lan' })).toThrow(/TAKES_PUBLIC_URL/)
  })

  it('does not let X-Forwarded-Host or an absolute-form target around the check', () => {
    expect(refused('127.0.0.1:3140', {}, { forwardedHost: 'evil.example' })).not.toBeNull()
    expect(refused('127.0.0.1:3140', {}, { forwardedHost: 'localhost, evil.example' })).not.toBeNull()
    expect(refused('127.0.0.1:3140', {}, { forwardedHost: ['localhost', 'evil.example'] })).not.toBeNull()
    expect(refused('127.0.0.1:3140', {}, { forwardedHost: 'localhost:3140' })).toBeNull()
    expect(refused('127.0.0.1:3140', {}, { target: 'http://evil.example/' })).not.toBeNull()
    expect(refused('127.0.0.1:3140', {}, { target: 'http://localhost:3140/x' })).toBeNull()
    expect(refused('127.0.0.1:3140', {}, { target: '*' })).not.toBeNull()
    expect(refused('127.0.0.1:3140', {}, { target: '/api/fal/proxy' })).toBeNull()
  })
})
