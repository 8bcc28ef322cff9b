import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { catalog } from '@/lib/endpoints'
import { EXAMPLE_MEDIA, localExampleMediaUrl, type ExampleMediaKind } from '@/lib/endpoints/example-media'
import { exampleInput } from '@/lib/endpoints/examples'
import { fileIdOf, storedFilePath } from '@/lib/fal/local-simulator'
import { FileStore } from '@/lib/local-fal/files'
import { resolveMedia } from '@/lib/local-fal/media-inputs'
import { probeMedia } from '@/lib/media/media-tools'
import { compileSchema, type FieldDescriptor, type Payload } from '@/lib/schema'
import { mediaUrlProblems } from '@/lib/schema/media-urls'

const PUBLIC_EXAMPLES = path.join(process.cwd(), 'public', 'examples')
/** An origin nothing listens on: a local example must never be fetched from it. */
const UNREACHABLE_ORIGIN = 'http://127.0.0.1:9'

async function sameBytes(a: string, b: string): Promise<boolean> {
  return (await readFile(a)).equals(await readFile(b))
}

type MediaField = Extract<FieldDescriptor, { kind: 'media' }>

function mediaFieldsOf(fields: readonly FieldDescriptor[], example: Payload): MediaField[] {
  return fields.filter((field): field is MediaField => field.kind === 'media' && typeof example[field.name] === 'string' && example[field.name] !== '')
}

describe.each(catalog.endpoints.map((endpoint) => [endpoint.id, endpoint] as const))('%s', (_id, endpoint) => {
  const { validator, fields } = compileSchema(endpoint.input)
  const source = { example: endpoint.example, fields }

  it('names input media in its example', () => {
    expect(mediaFieldsOf(fields, endpoint.example).length).toBeGreaterThan(0)
  })

  it.each(['fal', 'local'] as const)('its %s example passes the studio’s own checks', (mode) => {
    const input = exampleInput(source, mode, 'http://127.0.0.1:3000')
    expect(validator.safeParse(input).error?.issues ?? []).toEqual([])
    expect(mediaUrlProblems(fields, input)).toEqual([])
  })

  it('keeps the seed’s example, media URLs and all, on fal', () => {
    expect(exampleInput(source, 'fal', 'http://127.0.0.1:3000')).toEqual(endpoint.example)
  })

  it('names the studio’s example media in the simulator’s store in local mode, and changes nothing else', () => {
    const input = exampleInput(source, 'local', 'http://localhost:3000')
    const media = mediaFieldsOf(fields, endpoint.example)
    for (const field of media) {
      const kind = field.media as ExampleMediaKind
      expect(input[field.name], field.name).toBe(`http://localhost:3000/api/local-fal/files/${EXAMPLE_MEDIA[kind].fileId}/${EXAMPLE_MEDIA[kind].fileName}`)
      // The simulator and the studio know it as the simulator's own file (lib/fal/local-simulator).
      expect(fileIdOf(String(input[field.name]))).toBe(EXAMPLE_MEDIA[kind].fileId)
    }
    const others = Object.keys(endpoint.example).filter((name) => !media.some((field) => field.name === name))
    for (const name of others) expect(input[name], name).toEqual(endpoint.example[name])
  })
})

describe('the LoRA endpoints’ examples', () => {
  const withLoras = catalog.endpoints.filter((endpoint) => 'loras' in (endpoint.input.properties ?? {}))

  it('are the two LoRA endpoints', () => {
    expect(withLoras.map((endpoint) => endpoint.id)).toEqual(['fal-ai/ltx-2-19b/distilled/audio-to-video/lora', 'fal-ai/ltx-2.3-22b/distilled/reference-video-to-video/lora'])
  })

  it.each(withLoras.map((endpoint) => [endpoint.id, endpoint] as const))('%s carries an official Lightricks LoRA for its base model', (id, endpoint) => {
    const loras = endpoint.example.loras as { path: string; scale: number }[]
    expect(loras.length).toBeGreaterThan(0)
    // LTX-2 19B LoRAs work on the ltx-2-19b endpoints only, LTX-2.3 22B LoRAs on the ltx-2.3-22b ones.
    const repo = id.includes('/ltx-2.3-22b/') ? 'LTX-2\\.3-22b-' : 'LTX-2-19b-'
    for (const lora of loras) {
      expect(lora.path).toMatch(new RegExp(`^https://huggingface\\.co/Lightricks/${repo}[A-Za-z0-9-]+/resolve/main/[a-z0-9.-]+\\.safetensors$`))
      expect(lora.scale).toBeGreaterThan(0)
    }
  })
})

describe('the example media in public/examples', () => {
  const expected: Record<ExampleMediaKind, (facts: Awaited<ReturnType<typeof probeMedia>>) => boolean> = {
    video: (facts) => facts.hasVideo === true && facts.hasAudio === true && (facts.duration ?? 0) > 1,
    image: (facts) => facts.hasVideo === true && (facts.width ?? 0) > 0,
    audio: (facts) => facts.hasAudio === true && facts.hasVideo !== true && (facts.duration ?? 0) > 1,
  }

  it.each(Object.entries(EXAMPLE_MEDIA))('%s is small and is what it says', async (kind, media) => {
    const file = path.join(PUBLIC_EXAMPLES, media.fileName)
    expect((await stat(file)).size).toBeLessThan(300 * 1024)
    expect(expected[kind as ExampleMediaKind](await probeMedia(file))).toBe(true)
  })
})

describe('the simulator’s store keeps the example media', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'takes-examples-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('under their fixed ids, served as media, put back when a kept copy differs', async () => {
    const files = new FileStore(dir)
    await files.init()
    for (const media of Object.values(EXAMPLE_MEDIA)) {
      const kept = await files.localPath(media.fileId)
      expect(kept).toBe(storedFilePath(dir, media.fileId))
      expect(await sameBytes(kept!, path.join(PUBLIC_EXAMPLES, media.fileName)), media.fileName).toBe(true)
      const served = await files.serve(media.fileId, null)
      expect(served.status).toBe(200)
      expect(served.headers.get('content-type')).toBe(media.contentType)
      await served.body?.cancel()
    }
    const video = storedFilePath(dir, EXAMPLE_MEDIA.video.fileId)
    await writeFile(video, 'not the example')
    await new FileStore(dir).init()
    expect(await sameBytes(video, path.join(PUBLIC_EXAMPLES, EXAMPLE_MEDIA.video.fileName))).toBe(true)
  })

  it.each(catalog.endpoints.map((endpoint) => [endpoint.id, endpoint] as const))('%s: the simulator reads its local example from disk, fetching nothing', async (id, endpoint) => {
    const files = new FileStore(dir)
    await files.init()
    const { fields } = compileSchema(endpoint.input)
    const input = exampleInput({ example: endpoint.example, fields }, 'local', UNREACHABLE_ORIGIN)
    const resolved = await resolveMedia(input, files, path.join(dir, 'work', id.replaceAll('/', '_')))
    for (const field of mediaFieldsOf(fields, endpoint.example)) {
      const kind = field.media as ExampleMediaKind
      expect(resolved.sources[kind], field.name).toBe(storedFilePath(dir, EXAMPLE_MEDIA[kind].fileId))
    }
  })
})

it('builds file URLs on the simulator’s file route', () => {
  expect(fileIdOf(localExampleMediaUrl('https://studio.example', 'audio'))).toBe(EXAMPLE_MEDIA.audio.fileId)
})
