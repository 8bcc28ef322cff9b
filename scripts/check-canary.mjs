// Builds the studio with a canary FAL_KEY and checks that the key appears in no built asset,
// no page and no proxy response, on the local backend and in fal mode (fal unreachable here).
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const CANARY = `canary-${Math.random().toString(36).slice(2)}-${Date.now()}`
const DIST = '.next-canary'
const PORT = Number(process.env.CANARY_PORT ?? 3400)
const BASE = `http://127.0.0.1:${PORT}`
const env = { ...process.env, FAL_KEY: CANARY, TAKES_DIST_DIR: DIST }
const leaks = []

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name)
    return statSync(file).isDirectory() ? walk(file) : [file]
  })
}

function check(where, text) {
  if (text.includes(CANARY)) leaks.push(where)
}

console.log('building with a canary FAL_KEY…')
execFileSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], { env, stdio: 'ignore' })
const assets = walk(path.join(DIST, 'static'))
for (const file of assets) check(file, readFileSync(file, 'latin1'))
console.log(`checked ${assets.length} files in ${DIST}/static`)

async function withServer(extraEnv, run) {
  const server = spawn(process.execPath, ['scripts/serve.mjs'], {
    env: { ...env, PORT: String(PORT), HOSTNAME: '127.0.0.1', TAKES_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'takes-canary-')), ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  server.stdout.on('data', (chunk) => (log += chunk))
  server.stderr.on('data', (chunk) => (log += chunk))
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${BASE}/api/endpoints`)).status < 500) break
      } catch {}
      if (i > 150) throw new Error('server did not start')
      await new Promise((r) => setTimeout(r, 200))
    }
    await run()
  } finally {
    server.kill('SIGKILL')
    await new Promise((r) => server.once('exit', r))
    check(`server log (${extraEnv.TAKES_BACKEND ?? 'fal'} mode)`, log)
  }
}

async function fetchText(label, url, init) {
  const response = await fetch(url, init)
  const text = `${[...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${await response.text()}`
  check(label, text)
  return response
}

async function probeAll(mode) {
  const endpoints = await (await fetch(`${BASE}/api/endpoints`)).json()
  for (const page of ['/', '/models/nope', ...endpoints.map((e) => `/models/${e.id}`)]) await fetchText(`${mode} page ${page}`, `${BASE}${page}`)
  const proxy = (target, init = {}) =>
    fetchText(`${mode} proxy ${init.method ?? 'GET'} ${target}`, `${BASE}/api/fal/proxy`, {
      ...init,
      headers: { 'content-type': 'application/json', 'x-fal-target-url': target, ...(init.headers ?? {}) },
    })
  const submitted = await proxy('https://queue.fal.run/fal-ai/ltx-2/image-to-video', {
    method: 'POST',
    body: JSON.stringify({ prompt: 'canary', image_url: 'https://example.invalid/x.png' }),
  })
  const id = submitted.ok ? (await fetch(`${BASE}/api/fal/proxy`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-fal-target-url': 'https://queue.fal.run/fal-ai/ltx-2/image-to-video' }, body: JSON.stringify({ prompt: 'canary', image_url: 'https://example.invalid/x.png' }) }).then((r) => r.json())).request_id : '00000000-0000-0000-0000-000000000000'
  await proxy(`https://queue.fal.run/fal-ai/ltx-2/requests/${id}/status?logs=1`)
  await proxy(`https://queue.fal.run/fal-ai/ltx-2/requests/${id}`)
  await proxy('https://queue.fal.run/fal-ai/ltx-2/image-to-video', { method: 'POST', body: JSON.stringify({ prompt: 1 }) })
  await proxy('https://queue.fal.run/fal-ai/flux-pro', { method: 'POST', body: '{}' })
  await proxy('https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3', { method: 'POST', body: JSON.stringify({ content_type: 'image/png', file_name: 'a.png' }) })
}

/** The guard's refusals: signed out, a wrong password, then over the per-take cap once signed in. */
async function probeGuard() {
  for (const page of ['/', '/login', '/takes']) await fetchText(`guard page ${page}`, `${BASE}${page}`, { redirect: 'manual' })
  const submit = (headers = {}) =>
    fetchText('guard proxy submit', `${BASE}/api/fal/proxy`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fal-target-url': 'https://queue.fal.run/fal-ai/ltx-2/image-to-video', ...headers },
      body: JSON.stringify({ prompt: 'canary', image_url: 'https://v3.fal.media/files/x/a.png' }),
    })
  await submit()
  const login = (password) =>
    fetchText('guard sign-in', `${BASE}/api/auth/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ password, next: '/' }) })
  await login('wrong')
  const cookie = (await login('canary-password')).headers.get('set-cookie')?.split(';')[0] ?? ''
  await submit({ cookie })
  await submit({ cookie, origin: 'https://evil.example' })
}

await withServer({ TAKES_BACKEND: 'local' }, () => probeAll('local'))
await withServer({}, () => probeAll('fal'))
await withServer({ TAKES_PASSWORD: 'canary-password', TAKES_MAX_TAKE_USD: '0.0001' }, probeGuard)

if (leaks.length) {
  console.error(`FAL_KEY leaked in:\n- ${leaks.join('\n- ')}`)
  process.exit(1)
}
console.log('the canary FAL_KEY appears in no built asset, page, proxy response, refusal or server log')
