import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import pg from 'pg'
import { request as playwrightRequest, type APIRequestContext, type TestInfo } from '@playwright/test'

/** Another studio process on its own port (from the same production build), for restart tests. */
export interface StudioProcess {
  url: string
  /** The server's process id (a follower's lease owner names it). */
  pid: number
  kill(signal?: NodeJS.Signals): Promise<void>
}

export async function startStudio(port: number, env: Record<string, string>): Promise<StudioProcess> {
  // A server left on the port would answer the readiness check below in this one's place.
  if (await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false)) throw new Error(`port ${port} is already in use`)
  const child: ChildProcess = spawn(process.execPath, [path.join('scripts', 'serve.mjs')], {
    env: { ...process.env, PORT: String(port), HOSTNAME: '127.0.0.1', TAKES_RATE_SUBMIT: '100000', TAKES_RATE_UPLOAD: '100000', TAKES_RATE_LOGIN: '100000', ...env },
    stdio: process.env.E2E_STUDIO_LOGS === '1' ? 'inherit' : 'ignore',
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`studio exited with ${child.exitCode}`)
    try {
      // Any answer but a server error: with a password, the catalog answers 401.
      if ((await fetch(`${url}/api/endpoints`)).status < 500) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('studio did not start in 30 s')
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return {
    url,
    pid: child.pid!,
    kill: (signal = 'SIGKILL') =>
      new Promise((resolve) => {
        // Already ended (by exit or by a signal): 'exit' will not come again.
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill(signal)
      }),
  }
}

/** A database of its own on the PostgreSQL server at `adminUrl`, for studio processes that share takes; `drop` removes it. */
export async function freshDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `takes_e2e_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`drop database if exists ${name} with (force)`).catch(() => {})
      await admin.end()
    },
  }
}

/** Starts a studio with `env` on its own data (under the test's output), runs `body` with an API context on it, then stops it. */
export async function withStudio(port: number, env: Record<string, string>, testInfo: TestInfo, body: (studio: StudioProcess, api: APIRequestContext) => Promise<void>) {
  const studio = await startStudio(port, { TAKES_DATA_DIR: testInfo.outputPath(`data-${port}`), ...env })
  const api = await playwrightRequest.newContext({ baseURL: studio.url })
  try {
    await body(studio, api)
  } finally {
    await api.dispose()
    await studio.kill()
  }
}
