import { beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '@/lib/db/client'
import { createTake, deleteTake } from '@/lib/db/queries'
import { createLora, deleteOwnLora, DuplicateLoraUrlError, getLora, listLoras, loraUsage, upsertOfficialLoras } from '@/lib/db/lora-queries'
import { loras as lorasTable, LORA_BASES } from '@/lib/db/schema'
import { catalog } from '@/lib/endpoints'
import { compiledEndpoint } from '@/lib/endpoints/compiled'
import { baseMismatch } from '@/lib/loras/bases'
import { checkNewLora } from '@/lib/loras/lora-input'
import { isLoraList } from '@/lib/loras/lora-list'
import { loraPathProblem, loraUrlProblem } from '@/lib/loras/lora-path'
import { OFFICIAL_LORAS } from '@/lib/loras/official-loras'
import { mediaUrlProblems } from '@/lib/schema/media-urls'
import type { LoraLibrary, LoraView } from '@/lib/loras/lora-view'
import { backends, uniqueEndpoint, useProcessDb, useTestDb } from './db-fixture'

const A2V_LORA = 'fal-ai/ltx-2-19b/distilled/audio-to-video/lora'
const REF_LORA = 'fal-ai/ltx-2.3-22b/distilled/reference-video-to-video/lora'
const DOLLY_IN = OFFICIAL_LORAS.find((lora) => lora.name.startsWith('Camera: Dolly in'))!

const own = (url: string, name = 'My style') => ({
  name,
  url,
  base: 'ltx-2-19b' as const,
  kind: 'style' as const,
  recommendedScale: 0.8,
  triggerWords: 'sty1e',
  note: null,
})

const BAD_URLS: [string, RegExp][] = [
  ['http://127.0.0.1/x.safetensors', /https/],
  ['https://127.0.0.1/x.safetensors', /public host/],
  ['https://10.1.2.3/x.safetensors', /public host/],
  ['https://169.254.169.254/latest/meta-data', /public host/],
  ['https://[::1]/x.safetensors', /public host/],
  ['https://[fe80::1]/x.safetensors', /public host/],
  ['https://localhost/x.safetensors', /public host/],
  ['https://models.localhost/x.safetensors', /public host/],
  ['https://user:pw@huggingface.co/x.safetensors', /user name or password/],
  ['file:///etc/passwd', /https/],
  ['javascript:alert(1)', /https/],
  ['ftp://example.com/x.safetensors', /https/],
  ['not a url', /https/],
]

describe('a LoRA URL', () => {
  it('is https on a public host, without credentials', () => {
    expect(loraUrlProblem(DOLLY_IN.url)).toBeNull()
    expect(loraUrlProblem('https://8.8.8.8/w.safetensors')).toBeNull()
    for (const [url, why] of BAD_URLS) expect(loraUrlProblem(url), url).toMatch(why)
    expect(loraUrlProblem(`https://example.com/${'a'.repeat(2100)}`)).toMatch(/at most/)
  })

  it('as a take’s LoRA path, may also be fal’s Hugging Face repo id (owner/repo), which the studio never fetches', () => {
    expect(loraPathProblem('Lightricks/LTX-2-19b-LoRA-Camera-Control-Static')).toBeNull()
    expect(loraPathProblem('owner/repo.v2')).toBeNull()
    for (const bad of ['../etc/passwd', 'owner/../x', '/owner/repo', 'owner/repo/extra', 'file:///etc/passwd', 'http://127.0.0.1/x']) {
      expect(loraPathProblem(bad), bad).not.toBeNull()
    }
  })
})

describe('the take service’s URL check (mediaUrlProblems)', () => {
  const fields = compiledEndpoint(A2V_LORA)!.compiled.fields

  it('treats only {path, scale} lists as LoRA lists', () => {
    expect(fields.filter(isLoraList).map((field) => field.name)).toEqual(['loras'])
    for (const endpoint of catalog.endpoints) {
      const lists = compiledEndpoint(endpoint.id)!.compiled.fields.filter(isLoraList)
      expect(lists.length, endpoint.id).toBe('loras' in (endpoint.input.properties ?? {}) ? 1 : 0)
    }
  })

  it('refuses a LoRA path that is not a public https URL or a repo id, naming the list and row', () => {
    const input = { prompt: 'p', audio_url: 'https://example.com/a.mp3' }
    expect(mediaUrlProblems(fields, { ...input, loras: [{ path: DOLLY_IN.url, scale: 1 }, { path: 'Lightricks/LTX-2', scale: 1 }] })).toEqual([])
    const problems = mediaUrlProblems(fields, { ...input, loras: [{ path: DOLLY_IN.url, scale: 1 }, { path: 'http://127.0.0.1/x.safetensors', scale: 1 }] })
    expect(problems).toEqual([{ field: 'loras', message: expect.stringMatching(/^LoRAs 2: path must be an https:\/\/ URL/) }])
    expect(mediaUrlProblems(fields, { ...input, loras: [{ path: 'file:///etc/passwd' }] }).map((p) => p.field)).toEqual(['loras'])
    expect(mediaUrlProblems(fields, { ...input, loras: [{ path: 'https://192.168.1.5/x' }] })[0]?.message).toMatch(/public host/)
  })
})

describe('checkNewLora (POST /api/loras)', () => {
  it('accepts a complete LoRA, trimming text and emptying blank optional fields', () => {
    const checked = checkNewLora({ ...own('  https://example.com/w.safetensors '), name: '  Mine ', triggerWords: '  ', note: ' how ' })
    expect(checked).toEqual({ ok: true, value: { ...own('https://example.com/w.safetensors'), name: 'Mine', triggerWords: null, note: 'how' } })
  })

  it('refuses a bad field with 422 naming it, and a non-object or unknown field with 400', () => {
    for (const [url] of BAD_URLS) {
      const checked = checkNewLora(own(url))
      expect(checked, url).toMatchObject({ ok: false, status: 422, problem: { field: 'url' } })
    }
    expect(checkNewLora({ ...own('https://e.com/w'), name: ' ' })).toMatchObject({ ok: false, status: 422, problem: { field: 'name' } })
    expect(checkNewLora({ ...own('https://e.com/w'), base: 'ltx-3' })).toMatchObject({ ok: false, status: 422, problem: { field: 'base' } })
    expect(checkNewLora({ ...own('https://e.com/w'), kind: 'other' })).toMatchObject({ ok: false, status: 422, problem: { field: 'kind' } })
    expect(checkNewLora({ ...own('https://e.com/w'), recommendedScale: 4.5 })).toMatchObject({ ok: false, status: 422, problem: { field: 'recommendedScale' } })
    expect(checkNewLora({ ...own('https://e.com/w'), recommendedScale: '1' })).toMatchObject({ ok: false, status: 422, problem: { field: 'recommendedScale' } })
    expect(checkNewLora([])).toMatchObject({ ok: false, status: 400 })
    expect(checkNewLora({ ...own('https://e.com/w'), official: true })).toMatchObject({ ok: false, status: 400, problem: { detail: 'Unknown field: official' } })
  })
})

describe('the official LoRAs (data)', () => {
  it('are Lightricks’ own files on Hugging Face, each URL once, with a base matching its repository', () => {
    expect(new Set(OFFICIAL_LORAS.map((lora) => lora.url)).size).toBe(OFFICIAL_LORAS.length)
    for (const lora of OFFICIAL_LORAS) {
      expect(lora.url).toMatch(/^https:\/\/huggingface\.co\/Lightricks\/LTX-2(\.3)?-(19|22)b-[A-Za-z-]+\/resolve\/main\/[a-z0-9.-]+\.safetensors$/)
      expect(loraUrlProblem(lora.url)).toBeNull()
      expect(lora.url.includes('/LTX-2.3-22b-') ? 'ltx-2.3-22b' : 'ltx-2-19b').toBe(lora.base)
      expect(LORA_BASES).toContain(lora.base)
      expect(lora.name).toBe(lora.name.trim())
      expect(lora.name.length).toBeLessThanOrEqual(80)
      expect(lora.recommendedScale).toBeGreaterThan(0)
      expect(lora.recommendedScale).toBeLessThanOrEqual(4)
      expect(lora.source).toMatch(/Lightricks\/LTX-(2|Desktop)/)
    }
  })

  it('include the 19B camera LoRAs, 19B IC-LoRAs and 2.3 22B ones', () => {
    const camera19 = OFFICIAL_LORAS.filter((lora) => lora.base === 'ltx-2-19b' && lora.kind === 'camera').map((lora) => lora.url.split('/')[4])
    expect(camera19.sort()).toEqual(['Dolly-In', 'Dolly-Left', 'Dolly-Out', 'Dolly-Right', 'Jib-Down', 'Jib-Up', 'Static'].map((move) => `LTX-2-19b-LoRA-Camera-Control-${move}`))
    const ic19 = OFFICIAL_LORAS.filter((lora) => lora.base === 'ltx-2-19b' && lora.kind === 'ic').map((lora) => lora.url.split('/')[4])
    expect(ic19.sort()).toEqual(['Canny-Control', 'Depth-Control', 'Detailer', 'Pose-Control'].map((name) => `LTX-2-19b-IC-LoRA-${name}`))
    const repos22 = OFFICIAL_LORAS.filter((lora) => lora.base === 'ltx-2.3-22b').map((lora) => lora.url.split('/')[4])
    expect(repos22).toEqual(expect.arrayContaining(['LTX-2.3-22b-IC-LoRA-Union-Control', 'LTX-2.3-22b-IC-LoRA-Motion-Track-Control']))
  })

  it('hold the LoRAs the LoRA endpoints’ examples use', () => {
    for (const id of [A2V_LORA, REF_LORA]) {
      for (const { path } of catalog.find(id)!.example.loras as { path: string }[]) {
        expect(OFFICIAL_LORAS.find((lora) => lora.url === path)?.base).toBe(catalog.find(id)!.modelBase)
      }
    }
  })
})

describe('each endpoint’s model base (catalog data)', () => {
  it('names the base of the ltx-2-19b and ltx-2.3-22b endpoints, and none for LTX-2 Pro', () => {
    expect(Object.fromEntries(catalog.endpoints.map((endpoint) => [endpoint.id, endpoint.modelBase ?? null]))).toEqual({
      'fal-ai/ltx-2-19b/video-to-video': 'ltx-2-19b',
      [A2V_LORA]: 'ltx-2-19b',
      'fal-ai/ltx-2.3-22b/video-to-video': 'ltx-2.3-22b',
      'fal-ai/ltx-2/image-to-video': null,
      [REF_LORA]: 'ltx-2.3-22b',
    })
  })

  it('flags a LoRA of another base only', () => {
    expect(baseMismatch('ltx-2.3-22b', 'ltx-2-19b')).toBe('Trained on LTX-2.3 22B; this endpoint runs LTX-2 19B')
    expect(baseMismatch('ltx-2-19b', 'ltx-2-19b')).toBeNull()
    expect(baseMismatch('ltx-2-19b', null)).toBeNull()
  })
})

describe.each(backends)('the LoRA library on $name', (backend) => {
  const testDb = useTestDb(backend)
  let db: Db
  beforeAll(() => {
    db = testDb.db()
  })

  it('seeds the official LoRAs on first read, idempotently, and updates their data on a later seed', async () => {
    const first = await listLoras(db)
    const official = first.filter((lora) => lora.official)
    expect(official.map((lora) => lora.url).sort()).toEqual(OFFICIAL_LORAS.map((lora) => lora.url).sort())
    expect(official.find((lora) => lora.url === DOLLY_IN.url)).toMatchObject({ name: DOLLY_IN.name, base: 'ltx-2-19b', kind: 'camera', recommendedScale: 1 })
    await upsertOfficialLoras(OFFICIAL_LORAS, db)
    expect(await db.$count(lorasTable)).toBe(first.length)
    await upsertOfficialLoras([{ ...DOLLY_IN, recommendedScale: 0.9, note: 'changed' }], db)
    const again = await listLoras(db)
    expect(again).toHaveLength(first.length)
    expect(again.find((lora) => lora.url === DOLLY_IN.url)).toMatchObject({ id: official.find((lora) => lora.url === DOLLY_IN.url)!.id, recommendedScale: 0.9, note: 'changed' })
    await upsertOfficialLoras(OFFICIAL_LORAS, db)
  })

  it('leaves the user’s own LoRA as it is when a later official list names its URL', async () => {
    const url = `https://example.com/${Math.random().toString(36).slice(2)}.safetensors`
    const mine = await createLora({ name: 'Mine first', url, base: 'ltx-2-19b', kind: 'style', recommendedScale: 0.6 }, db)
    await upsertOfficialLoras([{ ...DOLLY_IN, url }], db)
    expect(await getLora(mine.id, db)).toMatchObject({ name: 'Mine first', official: false, recommendedScale: 0.6 })
    expect(await deleteOwnLora(mine.id, db)).toBe('deleted')
  })

  it('adds the user’s own LoRA, refuses its URL twice, and deletes own LoRAs only', async () => {
    const url = `https://example.com/${Math.random().toString(36).slice(2)}.safetensors`
    const mine = await createLora(own(url, '  Mine '), db)
    expect(mine).toMatchObject({ name: 'Mine', url, base: 'ltx-2-19b', kind: 'style', recommendedScale: 0.8, triggerWords: 'sty1e', official: false })
    expect((await listLoras(db)).some((lora) => lora.id === mine.id)).toBe(true)
    await expect(createLora(own(url, 'Again'), db)).rejects.toBeInstanceOf(DuplicateLoraUrlError)
    await expect(createLora(own(DOLLY_IN.url, 'Copy'), db)).rejects.toBeInstanceOf(DuplicateLoraUrlError)

    const dolly = (await listLoras(db)).find((lora) => lora.url === DOLLY_IN.url)!
    const before = await db.$count(lorasTable)
    expect(await deleteOwnLora(dolly.id, db)).toBe('official')
    expect(await db.$count(lorasTable)).toBe(before)
    expect(await getLora(dolly.id, db)).not.toBeNull()
    expect(await deleteOwnLora(mine.id, db)).toBe('deleted')
    expect(await deleteOwnLora(mine.id, db)).toBe('missing')
    expect(await getLora(mine.id, db)).toBeNull()
  })

  it('counts the takes that used each LoRA and lists the newest, leaving out deleted takes', async () => {
    const dolly = (await listLoras(db)).find((lora) => lora.url === DOLLY_IN.url)!
    const url = `https://example.com/${Math.random().toString(36).slice(2)}.safetensors`
    const mine = await createLora(own(url), db)
    const endpointId = uniqueEndpoint('lora-usage')
    const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds))
    const made = []
    for (let i = 0; i < 5; i++) {
      made.push(await createTake({ endpointId, input: { prompt: `t${i}`, loras: [{ path: DOLLY_IN.url, scale: 1 }, ...(i === 0 ? [{ path: url }] : [])] }, createdAt: at(i) }, db))
    }
    // Neither a take whose prompt merely mentions the URL nor a deleted take counts.
    await createTake({ endpointId, input: { prompt: DOLLY_IN.url, loras: [] }, createdAt: at(10) }, db)
    const deleted = await createTake({ endpointId, input: { loras: [{ path: DOLLY_IN.url }] }, createdAt: at(11) }, db)
    await deleteTake(deleted.id, db)

    const usage = await loraUsage(3, db)
    expect(usage.get(dolly.id)?.count).toBe(5)
    expect(usage.get(dolly.id)?.recent.map((take) => take.id)).toEqual([made[4]!.id, made[3]!.id, made[2]!.id])
    expect(usage.get(dolly.id)?.recent[0]).toMatchObject({ status: 'IN_QUEUE', posterKey: null, createdAt: at(4) })
    expect(usage.get(mine.id)).toEqual({ count: 1, recent: [expect.objectContaining({ id: made[0]!.id })] })
    const unused = (await listLoras(db)).find((lora) => lora.name.startsWith('Camera: Static'))!
    expect(usage.has(unused.id)).toBe(false)
  })
})

describe('the LoRA API', () => {
  useProcessDb()
  const API = 'http://127.0.0.1:3000/api/loras'
  const send = (method: string, body?: unknown, url = API) =>
    new Request(url, { method, headers: { host: '127.0.0.1:3000', 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })

  it('lists the library with the endpoint’s base, adds by URL, refuses bad input with nothing stored, deletes own only', async () => {
    const { GET, POST } = await import('@/app/api/loras/route')
    const { DELETE } = await import('@/app/api/loras/[id]/route')
    const library = async (endpoint?: string) => (await GET(send('GET', undefined, endpoint ? `${API}?endpoint=${encodeURIComponent(endpoint)}` : API))).json() as Promise<LoraLibrary>

    const first = await library(A2V_LORA)
    expect(first.endpointBase).toBe('ltx-2-19b')
    expect(first.loras.filter((lora) => lora.official)).toHaveLength(OFFICIAL_LORAS.length)
    expect((await library('fal-ai/ltx-2/image-to-video')).endpointBase).toBeNull()
    expect((await library()).endpointBase).toBeUndefined()
    expect((await GET(send('GET', undefined, `${API}?endpoint=fal-ai/nope`))).status).toBe(404)

    for (const [url] of BAD_URLS) {
      const refused = await POST(send('POST', own(url)))
      expect(refused.status, url).toBe(422)
      expect(await refused.json()).toEqual({ detail: expect.stringMatching(/^URL /), error_type: 'invalid_field', field: 'url' })
    }
    expect((await POST(send('POST', { ...own('https://example.com/w.safetensors'), recommendedScale: -1 }))).status).toBe(422)
    expect((await library()).loras).toHaveLength(first.loras.length)

    const created = await POST(send('POST', own('https://example.com/mine.safetensors', 'Mine')))
    expect(created.status).toBe(201)
    const mine = (await created.json()) as LoraView
    expect(mine).toMatchObject({ name: 'Mine', url: 'https://example.com/mine.safetensors', official: false })
    const duplicate = await POST(send('POST', own('https://example.com/mine.safetensors', 'Again')))
    expect(duplicate.status).toBe(409)
    expect(await duplicate.json()).toMatchObject({ field: 'url', error_type: 'conflict' })
    expect((await library()).loras.filter((lora) => lora.url === mine.url)).toHaveLength(1)

    const dolly = first.loras.find((lora) => lora.url === DOLLY_IN.url)!
    const params = (id: string) => ({ params: Promise.resolve({ id }) })
    const refusedDelete = await DELETE(send('DELETE', undefined, `${API}/${dolly.id}`), params(dolly.id))
    expect(refusedDelete.status).toBe(403)
    expect(await refusedDelete.json()).toMatchObject({ error_type: 'official_lora' })
    expect((await library()).loras.some((lora) => lora.id === dolly.id)).toBe(true)
    expect((await DELETE(send('DELETE', undefined, `${API}/${mine.id}`), params(mine.id))).status).toBe(204)
    expect((await DELETE(send('DELETE', undefined, `${API}/${mine.id}`), params(mine.id))).status).toBe(404)
    expect((await library()).loras.some((lora) => lora.id === mine.id)).toBe(false)
  }, 60_000)
})
