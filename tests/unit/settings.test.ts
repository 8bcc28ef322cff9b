import { readFile } from 'node:fs/promises'
import { describe, expect, it, vi } from 'vitest'
import { SettingsError, settingsOf, settingsTable } from '@/lib/settings'

describe('settings', () => {
  it('gives every setting its default when unset or blank', () => {
    const settings = settingsOf({ DATABASE_URL: '', TAKES_PASSWORD: '   ' })
    expect(settings).toMatchObject({
      port: 3000,
      dataDir: 'data',
      databaseUrl: undefined,
      password: undefined,
      follower: true,
      leaseMs: 15_000,
      followPollMs: 1000,
      rateSubmit: 30,
      rateUpload: 60,
      rateLogin: 10,
      localControl: false,
      trustProxy: false,
      allowedHosts: [],
      fetchAllowHosts: [],
      maxTakeUsd: undefined,
      s3Region: 'us-east-1',
    })
  })

  it('parses what is set: numbers, flags, lists, URLs without trailing slashes', () => {
    const settings = settingsOf({
      PORT: '3120',
      TAKES_FOLLOWER: '0',
      TAKES_LOCAL_CONTROL: '1',
      TAKES_S3_FORCE_PATH_STYLE: 'true',
      TAKES_ALLOWED_HOSTS: ' studio.lan , box.lan:8080,[fd00::1]',
      TAKES_FETCH_ALLOW_HOSTS: 'minio:9000,fd00::2',
      TAKES_PUBLIC_URL: 'https://takes.example.com/',
      TAKES_MAX_TAKE_USD: '0.25',
      TAKES_DAILY_USD: '0',
      TAKES_COPY_RETRY_MS: '200, 500',
      TAKES_PASSWORD: ' spaced ',
    })
    expect(settings).toMatchObject({
      port: 3120,
      follower: false,
      localControl: true,
      s3ForcePathStyle: true,
      allowedHosts: ['studio.lan', 'box.lan:8080', '[fd00::1]'],
      fetchAllowHosts: ['minio:9000', 'fd00::2'],
      publicUrl: 'https://takes.example.com',
      maxTakeUsd: 0.25,
      dailyUsd: 0,
      copyRetryMs: [200, 500],
      password: ' spaced ',
    })
  })

  it('refuses bad values, naming each variable, and never shows a secret', () => {
    const bad = {
      TAKES_MAX_TAKE_USD: 'lots',
      PORT: '70000',
      TAKES_RATE_LOGIN: '0',
      TAKES_FOLLOWER: 'maybe',
      TAKES_PUBLIC_URL: 'takes.example.com',
      TAKES_ALLOWED_HOSTS: 'ok.lan,https://studio.lan',
      TAKES_BACKEND: 'remote',
      DATABASE_URL: 'mysql://root:hunter2@db/takes',
    }
    let error: unknown
    try {
      settingsOf(bad)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(SettingsError)
    const { message, problems } = error as SettingsError
    expect(problems).toHaveLength(Object.keys(bad).length)
    for (const name of Object.keys(bad)) expect(message).toContain(name)
    expect(message).toContain('TAKES_MAX_TAKE_USD="lots": must be an amount in US dollars')
    expect(message).toContain('TAKES_ALLOWED_HOSTS="ok.lan,https://studio.lan": "https://studio.lan" is not a host name')
    expect(message).toContain('DATABASE_URL: must start with postgres://')
    expect(message).not.toContain('hunter2')
  })

  it('reads process.env again when a variable changes', () => {
    const saved = process.env.TAKES_RATE_UPLOAD
    try {
      process.env.TAKES_RATE_UPLOAD = '7'
      expect(settingsOf().rateUpload).toBe(7)
      expect(settingsOf()).toBe(settingsOf())
      process.env.TAKES_RATE_UPLOAD = '8'
      expect(settingsOf().rateUpload).toBe(8)
    } finally {
      if (saved === undefined) delete process.env.TAKES_RATE_UPLOAD
      else process.env.TAKES_RATE_UPLOAD = saved
    }
  })

  it('reads process.env once in a production process', async () => {
    const saved = { NODE_ENV: process.env.NODE_ENV, TAKES_RATE_UPLOAD: process.env.TAKES_RATE_UPLOAD }
    try {
      vi.resetModules()
      vi.stubEnv('NODE_ENV', 'production')
      vi.stubEnv('TAKES_RATE_UPLOAD', '7')
      const production = await import('@/lib/settings')
      expect(production.settingsOf().rateUpload).toBe(7)
      vi.stubEnv('TAKES_RATE_UPLOAD', '8')
      expect(production.settingsOf().rateUpload).toBe(7)
    } finally {
      vi.unstubAllEnvs()
      vi.resetModules()
      expect(process.env.NODE_ENV).toBe(saved.NODE_ENV)
      expect(process.env.TAKES_RATE_UPLOAD).toBe(saved.TAKES_RATE_UPLOAD)
    }
  })

  it('is the table the README shows (npm run settings:table writes it)', async () => {
    const readme = await readFile('README.md', 'utf8')
    const shown = /<!-- settings:[^\n]*-->\n([\s\S]*?)\n<!-- \/settings -->/.exec(readme)?.[1]
    expect(shown, 'the README has no settings table between its markers').toBeDefined()
    expect(shown).toBe(settingsTable())
  })

  it('lists every variable the studio reads', async () => {
    const { execFileSync } = await import('node:child_process')
    const found = execFileSync('grep', ['-rhoE', 'process\\.env\\.[A-Z_]+|env\\.(TAKES|FAL)_[A-Z_]+', 'lib', 'app', 'proxy.ts', 'instrumentation.ts', 'scripts/serve.mjs', 'next.config.ts'], {
      encoding: 'utf8',
    })
    const names = new Set(found.split('\n').filter(Boolean).map((match) => match.replace(/^(process\.)?env\./, '')))
    // Set by the framework or the platform, not by the studio's owner.
    for (const name of ['NODE_ENV', 'NEXT_RUNTIME']) names.delete(name)
    const table = settingsTable()
    for (const name of names) expect(table, name).toContain(`\`${name}\``)
  })
})
