import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { catalog } from '@/lib/endpoints'
import { effectiveInput } from '@/lib/generation/output-shape'
import { compileSchema } from '@/lib/schema'
import { LocalFalEngine } from '@/lib/local-fal/engine'
import { handleLocalFal } from '@/lib/local-fal/http'
import { expandPrompt, promptUsed } from '@/lib/local-fal/prompt-expansion'
import { tinyClipDataUri } from './helpers/tiny-clip'

// fal's endpoints expand the prompt (enable_prompt_expansion, on by default) and report the prompt
// they used; the simulator does the same, deterministically, leaving the rendered video alone.

const words = (text: string): string[] => text.toLowerCase().match(/[a-z]+/g) ?? []

describe('the simulator’s prompt expansion', () => {
  it('is deterministic, keeps the typed words but one, and adds words of its own', () => {
    const typed = 'a fox walks through a snowy forest at dawn'
    const used = expandPrompt(typed)
    expect(expandPrompt(typed)).toBe(used)
    expect(used.length).toBeGreaterThan(typed.length + 40)
    // One word reworded (walks → strolls), so a diff shows a change and not only additions.
    expect(used.startsWith('a fox strolls through a snowy forest at dawn.')).toBe(true)
    expect(words(used)).not.toContain('walks')
    expect(words(used).filter((word) => !words(typed).includes(word)).length).toBeGreaterThan(10)
  })

  it('changes even a prompt with no word to reword (its first letter), and varies its additions with the prompt', () => {
    expect(expandPrompt('neon koi pond')).toMatch(/^Neon koi pond\. \S/)
    const additions = new Set(['neon koi pond', 'a red kite', 'two cats', 'rain on glass', 'an empty stage', 'city at night'].map((typed) => expandPrompt(typed).replace(/^[^.]*\. /, '')))
    expect(additions.size).toBeGreaterThan(1)
  })

  it('leaves an empty prompt empty', () => {
    expect(expandPrompt('')).toBe('')
    expect(expandPrompt('   ')).toBe('   ')
  })

  it('expands only when enable_prompt_expansion is on, the schema default applying when it is absent', () => {
    const typed = 'a lighthouse in a storm'
    for (const endpoint of catalog.endpoints.filter((candidate) => 'prompt' in (candidate.output.properties ?? {}))) {
      const { defaults } = compileSchema(endpoint.input)
      expect(defaults.enable_prompt_expansion, endpoint.id).toBe(true)
      expect(promptUsed(typed, effectiveInput(defaults, { prompt: typed })), endpoint.id).toBe(expandPrompt(typed))
      expect(promptUsed(typed, effectiveInput(defaults, { prompt: typed, enable_prompt_expansion: false })), endpoint.id).toBe(typed)
    }
  })
})

describe('the simulator’s output prompt', () => {
  const V2V = 'fal-ai/ltx-2-19b/video-to-video'
  const BASE = 'http://127.0.0.1/api/local-fal'
  let dir = ''
  let videoUri = ''
  let engine: LocalFalEngine

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'takes-prompt-'))
    videoUri = await tinyClipDataUri(dir)
    engine = new LocalFalEngine({ dataDir: path.join(dir, 'sim'), concurrency: 2, minRenderMs: 0, controlEnabled: false }, catalog)
    await engine.init()
  }, 60_000)

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  async function run(input: Record<string, unknown>): Promise<{ prompt: unknown; video: Buffer }> {
    const body = JSON.stringify({ video_url: videoUri, seed: 7, generate_audio: false, ...input })
    const submitted = await handleLocalFal(engine, new Request(`${BASE}/queue/${V2V}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }))
    expect(submitted.status).toBe(200)
    const { request_id: id } = (await submitted.json()) as { request_id: string }
    await vi.waitFor(() => expect(engine.get(id)?.status).toBe('COMPLETED'), { timeout: 60_000, interval: 50 })
    const output = (await (await handleLocalFal(engine, new Request(`${BASE}/queue/${V2V}/requests/${id}`))).json()) as { prompt?: unknown; video?: { url: string } }
    expect(output.video?.url).toBeTruthy()
    const video = Buffer.from(await (await handleLocalFal(engine, new Request(output.video!.url))).arrayBuffer())
    return { prompt: output.prompt, video }
  }

  it('is the expanded prompt by default, the typed one with expansion off, and the video is the same either way', async () => {
    const typed = 'a paper boat drifts down a gutter'
    const expanded = await run({ prompt: typed })
    expect(expanded.prompt).toBe(expandPrompt(typed))
    expect(expanded.prompt).not.toBe(typed)
    const off = await run({ prompt: typed, enable_prompt_expansion: false })
    expect(off.prompt).toBe(typed)
    expect(off.video.byteLength).toBeGreaterThan(1000)
    expect(off.video.equals(expanded.video)).toBe(true)
  }, 150_000)
})
