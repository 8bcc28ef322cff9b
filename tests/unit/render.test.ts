import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ffmpegPath, ffprobePath, fontPath, probeMedia, type OutputShape } from '@/lib/media/media-tools'
import { fpsRational, renderVideo, seedLook, wrapPrompt, type RenderJob } from '@/lib/local-fal/render'

const run = promisify(execFile)
const TIMEOUT = 60_000

// Fixtures are made with, and outputs checked by, the system tools when present
// (independent of the bundled binaries under test); otherwise the bundled ones.
const FFMPEG = existsSync('/usr/bin/ffmpeg') ? '/usr/bin/ffmpeg' : ffmpegPath()
const FFPROBE = existsSync('/usr/bin/ffprobe') ? '/usr/bin/ffprobe' : ffprobePath()

let dir = ''
const fixtures = { video: '', image: '', audio: '' }

async function make(args: string[]): Promise<void> {
  await run(FFMPEG, ['-hide_banner', '-v', 'error', '-y', ...args])
}

interface Checked {
  width?: number
  height?: number
  frames?: number
  rate?: string
  videoCodec?: string
  audioCodec?: string
  audioDuration?: number
  formatName?: string
}

async function check(file: string): Promise<Checked> {
  const { stdout } = await run(FFPROBE, ['-v', 'error', '-count_frames', '-print_format', 'json', '-show_streams', '-show_format', file])
  const parsed = JSON.parse(stdout) as {
    streams: {
      codec_type: string
      codec_name: string
      width?: number
      height?: number
      nb_read_frames?: string
      avg_frame_rate?: string
      duration?: string
    }[]
    format: { format_name: string }
  }
  const video = parsed.streams.find((s) => s.codec_type === 'video')
  const audio = parsed.streams.find((s) => s.codec_type === 'audio')
  return {
    width: video?.width,
    height: video?.height,
    frames: video?.nb_read_frames === undefined ? undefined : Number(video.nb_read_frames),
    rate: video?.avg_frame_rate,
    videoCodec: video?.codec_name,
    audioCodec: audio?.codec_name,
    audioDuration: audio?.duration === undefined ? undefined : Number(audio.duration),
    formatName: parsed.format.format_name,
  }
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex')
}

function shape(width: number, height: number, numFrames: number, fps: number, hasAudio: boolean): OutputShape {
  return { width, height, numFrames, fps, duration: numFrames / fps, hasAudio }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'takes-render-'))
  fixtures.video = path.join(dir, 'in-video.mp4')
  fixtures.image = path.join(dir, 'in-image.png')
  fixtures.audio = path.join(dir, 'in-audio.wav')
  await Promise.all([
    make([
      '-f', 'lavfi', '-i', 'testsrc2=s=320x192:r=25:d=2',
      '-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=44100:d=2',
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', fixtures.video,
    ]),
    make(['-f', 'lavfi', '-i', 'smptebars=s=640x480', '-frames:v', '1', fixtures.image]),
    make(['-f', 'lavfi', '-i', 'sine=frequency=220:beep_factor=4:sample_rate=44100:d=1', '-ac', '1', fixtures.audio]),
  ])
}, TIMEOUT)

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('media tools', () => {
  it('resolves the bundled binaries and font', () => {
    expect(ffmpegPath()).toContain('@ffmpeg-installer')
    expect(ffprobePath()).toContain('@ffprobe-installer')
    expect(existsSync(fontPath())).toBe(true)
  })

  it('probes video, still image and audio', async () => {
    const video = await probeMedia(fixtures.video)
    expect(video).toMatchObject({ width: 320, height: 192, fps: 25, hasVideo: true, hasAudio: true })
    expect(video.duration).toBeCloseTo(2, 1)
    const image = await probeMedia(fixtures.image)
    expect(image).toMatchObject({ width: 640, height: 480, hasVideo: true, hasAudio: false })
    expect(image.duration).toBeUndefined()
    expect(image.fps).toBeUndefined()
    const audio = await probeMedia(fixtures.audio)
    expect(audio).toMatchObject({ hasVideo: false, hasAudio: true })
    expect(audio.duration).toBeCloseTo(1, 2)
  })
})

describe('helpers', () => {
  it('maps frame rates to rationals', () => {
    expect(fpsRational(25)).toEqual({ num: 25, den: 1 })
    expect(fpsRational(23.976)).toEqual({ num: 24000, den: 1001 })
    expect(fpsRational(29.97)).toEqual({ num: 30000, den: 1001 })
    expect(fpsRational(12.5)).toEqual({ num: 25, den: 2 })
  })

  it('wraps prompts to four lines of about 40 columns', () => {
    expect(wrapPrompt('  a   small\tprompt\n')).toEqual(['a small prompt'])
    const long = wrapPrompt('word '.repeat(100))
    expect(long).toHaveLength(4)
    expect(long.every((line) => line.length <= 40)).toBe(true)
    expect(long[3]?.endsWith('…')).toBe(true)
    expect(wrapPrompt('x'.repeat(50))).toEqual(['x'.repeat(40), 'x'.repeat(10)])
    expect(wrapPrompt('')).toEqual([])
  })

  it('derives the look from any integer seed', () => {
    expect(seedLook(2 ** 40 + 7)).toEqual(seedLook(2 ** 40 + 7))
    expect(seedLook(1)).not.toEqual(seedLook(2))
    const { toneHz } = seedLook(-123456789)
    expect(toneHz).toBeGreaterThanOrEqual(200)
    expect(toneHz).toBeLessThanOrEqual(800)
  })
})

describe('renderVideo', () => {
  const baseJob = (outFile: string, seed: number): RenderJob => ({
    outFile,
    shape: shape(256, 160, 25, 24, true),
    seed,
    prompt: 'A red fox runs through fresh snow at dawn, cinematic, shallow depth of field',
    sources: { video: fixtures.video },
  })

  it('renders a video input to the exact shape with its audio', async () => {
    const out = path.join(dir, 'video-out.mp4')
    const progress: number[] = []
    await renderVideo({ ...baseJob(out, 42), onProgress: (f) => progress.push(f) })
    const got = await check(out)
    expect(got).toMatchObject({ width: 256, height: 160, frames: 25, rate: '24/1', videoCodec: 'h264', audioCodec: 'aac' })
    expect(got.formatName).toContain('mp4')
    expect(got.audioDuration).toBeGreaterThan(25 / 24 - 0.05)
    expect(got.audioDuration).toBeLessThan(25 / 24 + 0.05)
    expect(progress.at(-1)).toBe(1)
    expect(progress.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= (progress[i - 1] ?? 0)))).toBe(true)
  }, TIMEOUT)

  it('loops a video input that is shorter than the output', async () => {
    const out = path.join(dir, 'video-loop.mp4')
    await renderVideo({ ...baseJob(out, 5), shape: shape(320, 192, 121, 24, true) })
    const got = await check(out)
    expect(got).toMatchObject({ width: 320, height: 192, frames: 121, rate: '24/1', audioCodec: 'aac' })
    expect(got.audioDuration).toBeCloseTo(121 / 24, 1)
  }, TIMEOUT)

  it('renders a still image without audio, with awkward prompt and path characters', async () => {
    const weird = path.join(dir, "we'ird, dir: [x] %d;")
    await mkdir(weird)
    const out = path.join(weird, 'image out.mp4')
    await renderVideo({
      outFile: out,
      shape: shape(512, 288, 17, 25, false),
      seed: 2 ** 33 + 1,
      prompt: `It's 50% "quoted": a\\b [x], y; %{pts} \${env} é 東京 ${'long '.repeat(30)}`,
      sources: { image: fixtures.image },
    })
    const got = await check(out)
    expect(got).toMatchObject({ width: 512, height: 288, frames: 17, rate: '25/1', videoCodec: 'h264' })
    expect(got.audioCodec).toBeUndefined()
    expect(await readdir(weird)).toEqual(['image out.mp4'])
  }, TIMEOUT)

  it('renders an audio-only input as a waveform with that audio', async () => {
    const out = path.join(dir, 'audio-out.mp4')
    await renderVideo({
      outFile: out,
      shape: shape(320, 192, 33, 23.976, true),
      seed: 7,
      prompt: 'waveform',
      sources: { audio: fixtures.audio },
    })
    const got = await check(out)
    expect(got).toMatchObject({ width: 320, height: 192, frames: 33, rate: '24000/1001', videoCodec: 'h264', audioCodec: 'aac' })
    expect(got.audioDuration).toBeCloseTo((33 * 1001) / 24000, 2)
  }, TIMEOUT)

  it('renders a test pattern with a seed tone when there is no input', async () => {
    const out = path.join(dir, 'pattern-out.mp4')
    await renderVideo({ outFile: out, shape: shape(192, 128, 9, 30, true), seed: 0, prompt: '', sources: {} })
    const got = await check(out)
    expect(got).toMatchObject({ width: 192, height: 128, frames: 9, rate: '30/1', videoCodec: 'h264', audioCodec: 'aac' })
  }, TIMEOUT)

  it('is deterministic for the same job and differs by seed', async () => {
    const a = path.join(dir, 'same-a.mp4')
    const b = path.join(dir, 'same-b.mp4')
    const c = path.join(dir, 'other-seed.mp4')
    await renderVideo(baseJob(a, 123456789012))
    await renderVideo(baseJob(b, 123456789012))
    await renderVideo(baseJob(c, 123456789013))
    const [ha, hb, hc] = await Promise.all([sha256(a), sha256(b), sha256(c)])
    expect(ha).toBe(hb)
    expect(hc).not.toBe(ha)
  }, TIMEOUT)

  it('aborts, rejecting and leaving no partial file', async () => {
    const out = path.join(dir, 'aborted.mp4')
    const controller = new AbortController()
    const pending = renderVideo({
      outFile: out,
      shape: shape(1920, 1080, 2000, 25, true),
      seed: 1,
      prompt: 'never finishes',
      sources: { video: fixtures.video },
      signal: controller.signal,
      onProgress: (f) => {
        if (f > 0) controller.abort()
      },
    })
    setTimeout(() => controller.abort(), 1500)
    await expect(pending).rejects.toThrow()
    expect(existsSync(out)).toBe(false)
    expect(existsSync(`${out}.part`)).toBe(false)
  }, TIMEOUT)
})
