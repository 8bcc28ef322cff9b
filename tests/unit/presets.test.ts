import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { closeDb, type Db } from '@/lib/db/client'
import { createPreset, deletePreset, DuplicatePresetNameError, getPreset, listPresets, renamePreset } from '@/lib/db/queries'
import { checkCreatePreset, checkEndpointParam, checkRenamePreset } from '@/lib/presets/preset-input'
import { readJsonBody } from '@/lib/http/read-body'
import { PRESET_BODY_MAX_BYTES } from '@/lib/presets/preset-view'
import { backends, SLOW, tempDir, uniqueEndpoint, useTestDb } from './db-fixture'

const V2V = 'fal-ai/ltx-2-19b/video-to-video'
const endpoint = uniqueEndpoint

describe.each(backends)('presets on $name', (backend) => {
  const testDb = useTestDb(backend)
  let db: Db
  beforeAll(() => {
    db = testDb.db()
  })

  it('creates, reads, lists by name, renames and deletes a preset', async () => {
    const endpointId = endpoint('crud')
    const values = { prompt: 'A lighthouse', num_frames: 241, video_size: { width: 640, height: 480 }, match_video_length: false }
    const wide = await createPreset({ endpointId, name: '  Wide shot ', values }, db)
    expect(wide.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(wide).toMatchObject({ endpointId, name: 'Wide shot', values })
    expect(wide.createdAt).toBeInstanceOf(Date)
    expect(await getPreset(wide.id, db)).toEqual(wide)
    expect(await getPreset('no-such-preset', db)).toBeNull()

    const another = await createPreset({ endpointId, name: 'Another', values: {} }, db)
    await createPreset({ endpointId: endpoint('other'), name: 'Elsewhere', values: {} }, db)
    expect((await listPresets(endpointId, db)).map((p) => p.name)).toEqual(['Another', 'Wide shot'])

    const renamed = await renamePreset(wide.id, ' Zoomed ', db)
    expect(renamed).toMatchObject({ id: wide.id, name: 'Zoomed', values })
    expect(renamed!.updatedAt.getTime()).toBeGreaterThanOrEqual(wide.updatedAt.getTime())
    expect(await renamePreset('no-such-preset', 'x', db)).toBeNull()
    expect((await listPresets(endpointId, db)).map((p) => p.name)).toEqual(['Another', 'Zoomed'])

    expect(await deletePreset(another.id, db)).toBe(true)
    expect(await deletePreset(another.id, db)).toBe(false)
    expect((await listPresets(endpointId, db)).map((p) => p.id)).toEqual([wide.id])
  })

  it('refuses a duplicate name per endpoint with a typed error, on create and on rename', async () => {
    const endpointId = endpoint('dup')
    await createPreset({ endpointId, name: 'Night', values: {} }, db)
    const day = await createPreset({ endpointId, name: 'Day', values: {} }, db)
    const error = await createPreset({ endpointId, name: ' Night', values: { prompt: 'x' } }, db).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DuplicatePresetNameError)
    expect((error as DuplicatePresetNameError).presetName).toBe('Night')
    await expect(renamePreset(day.id, 'Night', db)).rejects.toBeInstanceOf(DuplicatePresetNameError)
    // The same name on another endpoint is fine; so is renaming a preset to its own name.
    await expect(createPreset({ endpointId: endpoint('dup-other'), name: 'Night', values: {} }, db)).resolves.toMatchObject({ name: 'Night' })
    await expect(renamePreset(day.id, 'Day', db)).resolves.toMatchObject({ name: 'Day' })
    expect((await listPresets(endpointId, db)).map((p) => p.name)).toEqual(['Day', 'Night'])
  })

  it('the table itself refuses an empty, untrimmed or over-long name', async () => {
    const endpointId = endpoint('names')
    // Bypasses the trimming of createPreset, as another writer might.
    const { presets } = await import('@/lib/db/schema')
    await expect(db.insert(presets).values({ endpointId, name: '', values: {} })).rejects.toThrow()
    await expect(db.insert(presets).values({ endpointId, name: ' padded', values: {} })).rejects.toThrow()
    await expect(db.insert(presets).values({ endpointId, name: 'x'.repeat(81), values: {} })).rejects.toThrow()
    await expect(db.insert(presets).values({ endpointId, name: 'x'.repeat(80), values: {} })).resolves.toBeDefined()
  })
})

describe('preset input checks', () => {
  it('accepts a partial payload of the endpoint, empty required text included', () => {
    const values = { prompt: '', video_url: '', match_video_length: false, num_frames: 241, video_size: 'square_hd' }
    expect(checkCreatePreset({ endpointId: V2V, name: ' Mine ', values })).toEqual({ ok: true, value: { endpointId: V2V, name: 'Mine', values } })
    expect(checkCreatePreset({ endpointId: V2V, name: 'Custom size', values: { video_size: { width: 640, height: 480 } } }).ok).toBe(true)
    expect(checkCreatePreset({ endpointId: V2V, name: 'Empty', values: {} }).ok).toBe(true)
  })

  it('refuses unknown endpoints (404), unknown fields and invalid values (400), naming the field', () => {
    expect(checkCreatePreset({ endpointId: 'fal-ai/nope', name: 'x', values: {} })).toMatchObject({ ok: false, status: 404, problem: { field: 'endpointId' } })
    expect(checkCreatePreset({ endpointId: V2V, name: 'x', values: { bogus: 1, other: 2 } })).toEqual({
      ok: false,
      status: 400,
      problem: { detail: 'Unknown fields: bogus, other', field: 'values' },
    })
    const frames = checkCreatePreset({ endpointId: V2V, name: 'x', values: { num_frames: 2.5 } })
    expect(frames).toMatchObject({ ok: false, status: 400, problem: { field: 'values' } })
    expect(!frames.ok && frames.problem.detail).toMatch(/^Number of Frames must be a whole number/)
    const size = checkCreatePreset({ endpointId: V2V, name: 'x', values: { video_size: 'huge' } })
    expect(!size.ok && size.problem.detail).toMatch(/Video Size/)
    expect(checkCreatePreset({ endpointId: V2V, name: 'x', values: { video_url: 'not a url' } })).toMatchObject({ ok: false, status: 400 })
    expect(checkCreatePreset({ endpointId: V2V, name: 'x', values: [] })).toMatchObject({ ok: false, status: 400, problem: { field: 'values' } })
    expect(checkCreatePreset({ endpointId: V2V, name: 'x', values: null })).toMatchObject({ ok: false, status: 400, problem: { field: 'values' } })
  })

  it('checks names: trimmed, 1 to 80 characters', () => {
    expect(checkRenamePreset({ name: '  ok  ' })).toEqual({ ok: true, value: { name: 'ok' } })
    expect(checkRenamePreset({ name: '   ' })).toEqual({ ok: false, status: 400, problem: { detail: 'Name is required', field: 'name' } })
    expect(checkRenamePreset({ name: 'x'.repeat(81) })).toMatchObject({ ok: false, problem: { detail: 'Name must be at most 80 characters', field: 'name' } })
    expect(checkRenamePreset({ name: 'x'.repeat(80) }).ok).toBe(true)
    expect(checkRenamePreset({})).toMatchObject({ ok: false, status: 400, problem: { field: 'name' } })
    expect(checkCreatePreset({ endpointId: V2V, name: '', values: {} })).toMatchObject({ ok: false, status: 400, problem: { field: 'name' } })
    expect(checkCreatePreset('text')).toMatchObject({ ok: false, status: 400 })
  })

  it('checks the endpoint parameter and reads a body up to the limit', async () => {
    expect(checkEndpointParam(V2V)).toEqual({ ok: true, value: V2V })
    expect(checkEndpointParam(null)).toMatchObject({ ok: false, status: 400 })
    expect(checkEndpointParam('fal-ai/nope')).toMatchObject({ ok: false, status: 404 })
    const post = (body: string) => new Request('http://x/api/presets', { method: 'POST', body })
    expect(await readJsonBody(post('{"a":1}'), PRESET_BODY_MAX_BYTES)).toEqual({ ok: true, value: { a: 1 } })
    expect(await readJsonBody(post('{'), PRESET_BODY_MAX_BYTES)).toMatchObject({ ok: false, status: 400 })
    expect(await readJsonBody(post(`"${'x'.repeat(PRESET_BODY_MAX_BYTES)}"`), PRESET_BODY_MAX_BYTES)).toMatchObject({ ok: false, status: 413 })
  })
})

describe('the preset API routes', () => {
  it(
    'save, list, rename, delete; 409 for a duplicate name, 404 for no such preset',
    async () => {
      const saved = { TAKES_DB_DIR: process.env.TAKES_DB_DIR, DATABASE_URL: process.env.DATABASE_URL }
      process.env.TAKES_DB_DIR = path.join(await tempDir(), 'db')
      delete process.env.DATABASE_URL
      try {
        const collection = await import('@/app/api/presets/route')
        const item = await import('@/app/api/presets/[id]/route')
        const { NextRequest } = await import('next/server')
        const json = (method: string, url: string, body?: unknown) =>
          new NextRequest(`http://localhost${url}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
        const params = (id: string) => ({ params: Promise.resolve({ id }) })
        const name = `Route ${randomBytes(3).toString('hex')}`
        const values = { prompt: 'a cat', num_frames: 241, match_video_length: false }

        const created = await collection.POST(json('POST', '/api/presets', { endpointId: V2V, name, values }))
        expect(created.status).toBe(201)
        const preset = (await created.json()) as { id: string; name: string; values: unknown }
        expect(preset).toMatchObject({ name, values })

        const duplicate = await collection.POST(json('POST', '/api/presets', { endpointId: V2V, name, values: {} }))
        expect(duplicate.status).toBe(409)
        expect(await duplicate.json()).toMatchObject({ field: 'name', detail: expect.stringContaining(name) })
        const invalid = await collection.POST(json('POST', '/api/presets', { endpointId: V2V, name: 'x', values: { num_frames: 'many' } }))
        expect(invalid.status).toBe(400)
        expect(((await invalid.json()) as { detail: string }).detail).toMatch(/Number of Frames/)

        const list = await collection.GET(json('GET', `/api/presets?endpoint=${encodeURIComponent(V2V)}`))
        expect(((await list.json()) as { presets: { id: string }[] }).presets.map((p) => p.id)).toEqual([preset.id])
        expect((await collection.GET(json('GET', '/api/presets'))).status).toBe(400)
        expect((await collection.GET(json('GET', '/api/presets?endpoint=fal-ai/nope'))).status).toBe(404)

        const renamed = await item.PATCH(json('PATCH', `/api/presets/${preset.id}`, { name: `${name} 2` }), params(preset.id))
        expect(renamed.status).toBe(200)
        expect(await renamed.json()).toMatchObject({ id: preset.id, name: `${name} 2`, values })
        expect((await item.PATCH(json('PATCH', '/api/presets/nope', { name: 'x' }), params('nope'))).status).toBe(404)
        expect((await item.PATCH(json('PATCH', `/api/presets/${preset.id}`, { name: '' }), params(preset.id))).status).toBe(400)

        expect((await item.DELETE(json('DELETE', `/api/presets/${preset.id}`), params(preset.id))).status).toBe(204)
        expect((await item.DELETE(json('DELETE', `/api/presets/${preset.id}`), params(preset.id))).status).toBe(404)
      } finally {
        await closeDb()
        for (const [key, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[key]
          else process.env[key] = value
        }
      }
    },
    SLOW,
  )
})
