import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { notMediaReason, sniffFile, sniffMediaBytes } from '@/components/schema-form/media-bytes'
import { MediaChecks, type MediaCheck } from '@/components/schema-form/media-checks'
import { payloadResolver } from '@/components/schema-form/payload-resolver'
import { catalog } from '@/lib/endpoints'
import { compileSchema, type FieldDescriptor } from '@/lib/schema'
import { fixturePath, makeFixtures } from '../fixtures/media'

makeFixtures()
const bytes = (kind: 'video' | 'audio' | 'image') => new Uint8Array(readFileSync(fixturePath(kind)))
const text = (value: string) => new TextEncoder().encode(value)

describe('sniffMediaBytes: a file is what its bytes are, whatever its name', () => {
  it('takes real media for its kind (and a video container for an audio field)', async () => {
    expect(await sniffMediaBytes('video', bytes('video'))).toEqual({ ok: true, mime: 'video/mp4' })
    expect(await sniffMediaBytes('image', bytes('image'))).toEqual({ ok: true, mime: 'image/png' })
    expect((await sniffMediaBytes('audio', bytes('audio'))).ok).toBe(true)
    expect((await sniffMediaBytes('audio', bytes('video'))).ok).toBe(true)
  })

  it('refuses text named clip.mp4, with a reason', async () => {
    const file = new File([text('just some words\n'.repeat(50))], 'clip.mp4', { type: 'video/mp4' })
    const sniffed = await sniffFile('video', file)
    expect(sniffed).toEqual({ ok: false, certain: true, what: 'plain text' })
    if (!sniffed.ok) expect(notMediaReason('video', sniffed)).toBe('its bytes are plain text, not a video')
  })

  it('names what a server said the text is, and media of the wrong kind', async () => {
    expect(await sniffMediaBytes('video', text('{"a":1}'), 'application/json; charset=utf-8')).toMatchObject({ ok: false, certain: true, what: 'JSON data (application/json)' })
    expect(await sniffMediaBytes('video', text('<!doctype html><p>hi'), 'text/html')).toMatchObject({ ok: false, what: 'a web page (text/html)' })
    const image = await sniffMediaBytes('video', bytes('image'))
    expect(image).toEqual({ ok: false, certain: true, what: 'PNG (image/png)' })
    if (!image.ok) expect(notMediaReason('video', image)).toBe('its bytes are PNG (image/png), not a video')
    expect(await sniffMediaBytes('image', new Uint8Array())).toMatchObject({ ok: false, certain: true, what: 'empty' })
  })

  it('is unsure (not certain) about binary it does not recognise', async () => {
    const noise = Uint8Array.from({ length: 4100 }, (_, index) => (index * 7919 + 13) % 256)
    expect(await sniffMediaBytes('video', noise)).toMatchObject({ ok: false, certain: false })
  })
})

describe('Run refuses a media URL known not to be media', () => {
  const endpoint = catalog.find('fal-ai/ltx-2-19b/video-to-video')!
  const { fields, defaults } = compileSchema(endpoint.input)
  const checksOf = (results: Record<string, MediaCheck>) => {
    const seen: string[] = []
    const checks = new MediaChecks(async (_kind, url) => {
      seen.push(url)
      return results[url] ?? { state: 'ok' }
    })
    return { checks, seen }
  }
  const resolve = (checks: MediaChecks, values: Record<string, unknown>) =>
    payloadResolver(endpoint.input, fields as FieldDescriptor[], checks)({ ...defaults, ...values }, undefined, { fields: {}, shouldUseNativeValidation: false })

  it('an error blocks Run on its field; a warning does not; each URL is read once', async () => {
    const { checks, seen } = checksOf({
      'https://studio.test/api/endpoints': { state: 'error', message: 'The browser could not load this video: its bytes are JSON data' },
      'https://example.com/in.mp4': { state: 'warning', message: 'could not tell' },
    })
    const refused = await resolve(checks, { prompt: 'a cowboy', video_url: 'https://studio.test/api/endpoints' })
    expect(refused.values).toEqual({})
    expect(refused.errors).toEqual({ video_url: { type: 'media', message: 'The browser could not load this video: its bytes are JSON data' } })

    const sent = await resolve(checks, { prompt: 'a cowboy', video_url: 'https://example.com/in.mp4' })
    expect(sent.errors).toEqual({})
    expect(sent.values).toEqual({ prompt: 'a cowboy', video_url: 'https://example.com/in.mp4' })

    await resolve(checks, { prompt: 'a cowboy', video_url: 'https://studio.test/api/endpoints' })
    expect(seen).toEqual(['https://studio.test/api/endpoints', 'https://example.com/in.mp4'])
  })

  it("keeps the schema's own message when the schema already refuses the field, and reports both fields", async () => {
    const { checks } = checksOf({ 'https://studio.test/x': { state: 'error', message: 'not a video' } })
    const result = await resolve(checks, { prompt: '  ', video_url: 'https://studio.test/x' })
    expect(result.errors).toMatchObject({ prompt: { message: 'Prompt is empty: enter a prompt' }, video_url: { message: 'not a video' } })
  })

  it('does not read a file it was told is fine (bytes checked before upload)', async () => {
    const { checks, seen } = checksOf({})
    checks.trust('video', 'https://studio.test/files/1/clip.mp4')
    const result = await resolve(checks, { prompt: 'a cowboy', video_url: 'https://studio.test/files/1/clip.mp4' })
    expect(result.errors).toEqual({})
    expect(seen).toEqual([])
  })
})
