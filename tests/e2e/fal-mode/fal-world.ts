import { test as base, expect, type APIRequestContext } from '@playwright/test'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Counters, Faults } from '@/lib/local-fal/faults'
import type { ControlBody } from '@/lib/local-fal/http'
import { makeCertificates } from '../../fal-double/certificates.mjs'
import { routeFalHosts } from '../../fal-double/route-fal-hosts.mjs'
import { startStudio, type StudioProcess } from '../server'

// The studio in fal mode — a (canary) FAL_KEY and no TAKES_BACKEND — with fal's hosts served by the
// fal double: a studio on the local backend acting as fal, behind a TLS front holding certificates
// for fal's hosts (tests/fal-double). The redirection is the harness's alone: the studio loads a
// preload that sends its TLS connections to fal's hosts to the front and trusts the test CA;
// Chromium reaches fal's hosts through the front as its proxy. Nothing in the product knows.
// One world per worker (ports 3600 + 10 × worker index …).

export interface FrontCounts {
  forwarded: Record<string, number>
  refusedHosts: string[]
  unmapped: string[]
}

export interface FalWorld {
  /** The studio under test, in fal mode. */
  studio: StudioProcess
  /** The fal double (its simulator plays fal). */
  double: StudioProcess
  /** The key the studio holds, and fal (the double) expects: it must show up nowhere else. */
  key: string
  /** The front's proxy address, for Chromium. */
  proxyUrl: string
  dataDir: string
  frontCounts(): Promise<FrontCounts>
  /** Starts the fal-mode studio again on the same data (after a kill), with `env` added. */
  restartStudio(env?: Record<string, string>): Promise<StudioProcess>
  /** The environment of a fal-mode studio on `port` (its own data, PUBLIC_URL and the harness's redirection), with `env` added. */
  falStudioEnv(port: number, env?: Record<string, string>): Record<string, string>
  /** Ports this world's spec may give studios of its own. */
  sparePorts: [number, number, number]
}

const PRELOAD = path.resolve('tests/fal-double/preload.mjs')

function startFront(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.resolve('tests/fal-double/front.mjs')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the fal double's front exited with ${code}`)))
    child.stdout!.once('data', () => resolve(child))
  })
}

export const test = base.extend<
  { doubleControl: (body?: ControlBody) => Promise<{ faults: Faults; counters: Counters }> },
  { falWorld: FalWorld; doubleEnv: Record<string, string> }
>({
  /** Settings for the double (a spec file's own, through test.use: its world is then its own). */
  doubleEnv: [{}, { scope: 'worker', option: true }],
  falWorld: [
    async ({ doubleEnv }, provide, workerInfo) => {
      const base = 3600 + 10 * workerInfo.workerIndex
      const key = `canary-fal-key-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`
      const root = mkdtempSync(path.join(tmpdir(), 'takes-fal-world-'))
      const certificates = makeCertificates(path.join(root, 'certs'))
      const double = await startStudio(base, {
        TAKES_BACKEND: 'local',
        TAKES_DATA_DIR: path.join(root, 'double'),
        TAKES_LOCAL_KEY: key,
        TAKES_LOCAL_CONTROL: '1',
        TAKES_LOCAL_RENDER_MS: '1500',
        // fal retries a webhook for two hours; here within seconds, for the kill-and-restart flows.
        TAKES_LOCAL_WEBHOOK_RETRY_MS: '500,1000,2000,3000,4000,5000,6000,8000,10000,15000',
        ...doubleEnv,
      })
      const front = await startFront({
        FRONT_PORT: String(base + 1),
        FRONT_TLS_PORT: String(base + 2),
        DOUBLE_URL: double.url,
        FAL_DOUBLE_KEY: key,
        FRONT_CERT_DIR: path.join(root, 'certs'),
      })
      // The test process itself (uploads through @fal-ai/client, as a script would) reaches fal's hosts the same way.
      routeFalHosts({ port: base + 2, ca: readFileSync(certificates.ca, 'utf8') })
      const dataDir = path.join(root, 'studio')
      const studioPort = base + 3
      const falStudioEnv = (port: number, env: Record<string, string> = {}) => ({
        FAL_KEY: key,
        TAKES_BACKEND: '',
        TAKES_DATA_DIR: dataDir,
        TAKES_PUBLIC_URL: `http://127.0.0.1:${port}`,
        NODE_OPTIONS: `--import ${PRELOAD}`,
        NODE_EXTRA_CA_CERTS: certificates.ca,
        TAKES_TEST_FAL_FRONT_TLS_PORT: String(base + 2),
        ...env,
      })
      const world: FalWorld = {
        studio: await startStudio(studioPort, falStudioEnv(studioPort)),
        double,
        key,
        proxyUrl: `http://127.0.0.1:${base + 1}`,
        dataDir,
        frontCounts: async () => (await (await fetch(`http://127.0.0.1:${base + 1}/_front`)).json()) as FrontCounts,
        restartStudio: async (env) => (world.studio = await startStudio(studioPort, falStudioEnv(studioPort, env))),
        falStudioEnv,
        sparePorts: [base + 4, base + 5, base + 6],
      }
      try {
        await provide(world)
        // The key was sent to fal (the double) only: nothing the studio kept holds it.
        expect(filesHolding(dataDir, key), 'files in the studio’s data dir holding the FAL_KEY').toEqual([])
      } finally {
        await world.studio.kill()
        front.kill('SIGKILL')
        await double.kill()
        rmSync(root, { recursive: true, force: true })
      }
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  baseURL: async ({ falWorld }, provide) => provide(falWorld.studio.url),
  // Only fal's hosts go to the front; the studio is reached directly.
  proxy: async ({ falWorld }, provide) => provide({ server: falWorld.proxyUrl, bypass: '127.0.0.1,localhost,[::1]' }),
  // The front's certificates come from the test CA, which Chromium does not know.
  ignoreHTTPSErrors: true,
  doubleControl: async ({ falWorld, playwright }, provide) => {
    let request: APIRequestContext | undefined
    await provide(async (body = {}) => {
      request ??= await playwright.request.newContext()
      const response = await request.post(`${falWorld.double.url}/api/local-fal/_control`, { data: body })
      if (!response.ok()) throw new Error(`the double's control route answered ${response.status()}`)
      return (await response.json()) as { faults: Faults; counters: Counters }
    })
    await request?.dispose()
  },
})

/** Files under `dir` whose bytes contain `text`. */
export function filesHolding(dir: string, text: string): string[] {
  const needle = Buffer.from(text)
  const walk = (at: string): string[] =>
    readdirSync(at).flatMap((name) => {
      const file = path.join(at, name)
      const stats = statSync(file)
      if (stats.isDirectory()) return walk(file)
      return readFileSync(file).includes(needle) ? [file] : []
    })
  return walk(dir)
}

export { expect }
