import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ffmpegPath } from '@/lib/media/media-tools'
import { renderVideo, type RenderJob } from '@/lib/local-fal/render'
import { cameraPlanOf } from '@/lib/local-fal/render-camera'
import { detailOf, gradeOf } from '@/lib/local-fal/render-look'
import { cameraMoveInPath, FIXED_STEPS, renderParametersOf, type RenderParameters } from '@/lib/local-fal/render-parameters'
import { colourfulness, meanAbsoluteDifference } from './helpers/pixels'

const run = promisify(execFile)
const TIMEOUT = 90_000
// Fixtures are made, and frames decoded, by the system ffmpeg when present (independent of the bundled one under test).
const FFMPEG = existsSync('/usr/bin/ffmpeg') ? '/usr/bin/ffmpeg' : ffmpegPath()
const WIDTH = 320
const HEIGHT = 192

/** A mean absolute difference (0..255 per RGB channel) above this is plain to see. */
const VISIBLE_MAD = 12

let dir = ''
const fixtures = { video: '', image: '' }

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'takes-render-parameters-'))
  fixtures.video = path.join(dir, 'in-video.mp4')
  fixtures.image = path.join(dir, 'in-image.png')
  await Promise.all([
    run(FFMPEG, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x192:r=25:d=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', fixtures.video]),
    // Smooth random blobs: structure in both directions that never repeats, so a pan's shift is unambiguous.
    run(FFMPEG, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'nullsrc=s=80x48,geq=lum=random(1)*255:cb=random(1)*255:cr=128,scale=640:384', '-frames:v', '1', fixtures.image]),
  ])
}, TIMEOUT)

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

let renders = 0
async function render(parameters: RenderParameters | undefined, options: { image?: boolean; frames?: number; seed?: number } = {}): Promise<string> {
  const outFile = path.join(dir, `render-${++renders}.mp4`)
  const frames = options.frames ?? 9
  const job: RenderJob = {
    outFile,
    shape: { width: WIDTH, height: HEIGHT, numFrames: frames, fps: 25, duration: frames / 25, hasAudio: false },
    seed: options.seed ?? 42,
    // No caption: the pixels compared are the picture's own.
    prompt: '',
    sources: options.image ? { image: fixtures.image } : { video: fixtures.video },
    parameters,
  }
  await renderVideo(job)
  return outFile
}

/** Frame `index` of a video as raw RGB, WIDTH × HEIGHT × 3 bytes. */
async function frameRgb(file: string, index: number): Promise<Buffer> {
  const { stdout } = await run(
    FFMPEG,
    ['-v', 'error', '-i', file, '-vf', `select=eq(n\\,${index})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
  )
  expect(stdout.length).toBe(WIDTH * HEIGHT * 3)
  return stdout
}

function luma(rgb: Buffer): Float64Array {
  const out = new Float64Array(rgb.length / 3)
  for (let i = 0; i < out.length; i++) out[i] = 0.299 * rgb[3 * i]! + 0.587 * rgb[3 * i + 1]! + 0.114 * rgb[3 * i + 2]!
  return out
}

/**
 * The shift (dx, dy) in pixels that best maps the first picture's content onto the second's:
 * second(x + dx, y + dy) ≈ first(x, y), searched over a window, on the overlapping area.
 */
function contentShift(first: Buffer, second: Buffer, reach: number): { dx: number; dy: number } {
  const a = luma(first)
  const b = luma(second)
  let best = { dx: 0, dy: 0, cost: Infinity }
  for (let dy = -reach; dy <= reach; dy += 2) {
    for (let dx = -reach; dx <= reach; dx += 2) {
      let sum = 0
      let count = 0
      for (let y = reach; y < HEIGHT - reach; y += 2) {
        for (let x = reach; x < WIDTH - reach; x += 2) {
          sum += Math.abs(a[y * WIDTH + x]! - b[(y + dy) * WIDTH + (x + dx)]!)
          count++
        }
      }
      if (sum / count < best.cost) best = { dx, dy, cost: sum / count }
    }
  }
  return { dx: best.dx, dy: best.dy }
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex')
}

describe('renderParametersOf', () => {
  it('reads guidance, strengths and steps by each endpoint’s field names, the clean step count from the defaults', () => {
    expect(renderParametersOf({ guidance_scale: 5, num_inference_steps: 20, video_strength: 0.5, audio_strength: 0.2 }, { num_inference_steps: 40 })).toEqual({
      guidance: 5,
      pictureStrength: 0.5,
      audioStrength: 0.2,
      steps: 20,
      cleanSteps: 40,
      camera: undefined,
    })
    expect(renderParametersOf({ video_cfg_scale: 9, image_strength: 0.3 })).toMatchObject({ guidance: 9, pictureStrength: 0.3, steps: FIXED_STEPS, cleanSteps: FIXED_STEPS })
  })

  it('takes the camera LoRA from camera_lora, else from a LoRA named for a move; never from a host name', () => {
    expect(renderParametersOf({ camera_lora: 'dolly_left', camera_lora_scale: 0.5 }).camera).toEqual({ move: 'dolly_left', scale: 0.5 })
    expect(renderParametersOf({ camera_lora: 'none' }).camera).toBeUndefined()
    const loras = [
      { path: 'https://huggingface.co/Lightricks/LTX-2-19b-IC-LoRA-Detailer/resolve/main/detailer.safetensors', scale: 1 },
      { path: 'https://huggingface.co/Lightricks/LTX-2-19b-LoRA-Camera-Control-Jib-Up/resolve/main/jib_up.safetensors', scale: 0.8 },
    ]
    expect(renderParametersOf({ loras }).camera).toEqual({ move: 'jib_up', scale: 0.8 })
    expect(cameraMoveInPath('https://huggingface.co/Lightricks/LTX-2-19b-LoRA-Camera-Control-Static/resolve/main/x.safetensors')).toBe('static')
    expect(cameraMoveInPath('https://static.example.com/loras/style.safetensors')).toBeUndefined()
    expect(cameraMoveInPath('https://example.com/dolly_inside_joke.safetensors')).toBeUndefined()
  })

  it('maps guidance to contrast and saturation, steps to blur and grain, monotonically', () => {
    const low = gradeOf({ guidance: 1.5 })
    const neutral = gradeOf({ guidance: 3 })
    const high = gradeOf({ guidance: 8 })
    expect(neutral).toEqual({ contrast: 1, saturation: 1, tint: 1 })
    expect(low.contrast).toBeLessThan(1)
    expect(high.contrast).toBeGreaterThan(1)
    expect(low.saturation).toBeLessThan(1)
    expect(high.saturation).toBeGreaterThan(1)
    expect(gradeOf({ pictureStrength: 0.1 }).saturation).toBeLessThan(1)
    const [few, some, clean, more] = [8, 20, 40, 50].map((steps) => detailOf({ steps, cleanSteps: 40 }))
    expect(few!.noise).toBeGreaterThan(some!.noise)
    expect(few!.divisor).toBeGreaterThan(some!.divisor)
    expect(clean).toEqual({ divisor: 1, noise: 0 })
    expect(more).toEqual({ divisor: 1, noise: 0 })
  })

  it('plans a pan on a larger canvas and a dolly as a zoom; static or weightless moves nothing', () => {
    const output = { width: 320, height: 192, numFrames: 49, frameRate: '25' }
    expect(cameraPlanOf({ move: 'dolly_right', scale: 1 }, output)?.canvas).toEqual({ width: 416, height: 250 })
    expect(cameraPlanOf({ move: 'dolly_in', scale: 1 }, output)?.filter).toMatch(/^zoompan=/)
    expect(cameraPlanOf({ move: 'static', scale: 1 }, output)).toBeUndefined()
    expect(cameraPlanOf({ move: 'jib_up', scale: 0 }, output)).toBeUndefined()
  })
})

describe('renders that follow the parameters', () => {
  it(`two renders differing only in guidance differ visibly (mean absolute RGB difference > ${VISIBLE_MAD}), and higher guidance is more colourful`, async () => {
    const [low, high] = await Promise.all([render({ guidance: 1.5, steps: 40, cleanSteps: 40 }), render({ guidance: 6, steps: 40, cleanSteps: 40 })])
    const [a, b] = await Promise.all([frameRgb(low, 4), frameRgb(high, 4)])
    expect(meanAbsoluteDifference(a, b)).toBeGreaterThan(VISIBLE_MAD)
    expect(colourfulness(b)).toBeGreaterThan(colourfulness(a) * 1.3)
  }, TIMEOUT)

  it('gives the same bytes for the same seed, input and parameters (grain and camera included), other bytes for another seed', async () => {
    const parameters: RenderParameters = { guidance: 5, steps: 8, cleanSteps: 40, camera: { move: 'dolly_in', scale: 1 } }
    const [a, b, c] = await Promise.all([render(parameters), render(parameters), render(parameters, { seed: 43 })])
    const [ha, hb, hc] = await Promise.all([sha256(a), sha256(b), sha256(c)])
    expect(ha).toBe(hb)
    expect(hc).not.toBe(ha)
  }, TIMEOUT)

  it('leaves more noise and blur the fewer steps run: the distance from the clean render grows as steps fall', async () => {
    const files = await Promise.all([8, 20, 40, 50].map((steps) => render({ steps, cleanSteps: 40 })))
    const [few, some, clean, more] = await Promise.all(files.map((file) => frameRgb(file, 4)))
    const fewOff = meanAbsoluteDifference(few!, clean!)
    const someOff = meanAbsoluteDifference(some!, clean!)
    expect(fewOff).toBeGreaterThan(VISIBLE_MAD)
    expect(someOff).toBeGreaterThan(3)
    expect(fewOff).toBeGreaterThan(someOff * 1.5)
    expect(meanAbsoluteDifference(more!, clean!)).toBe(0)
  }, TIMEOUT)

  it('moves the camera in the LoRA’s direction over the clip: the scene slides the other way', async () => {
    const frames = 25
    const moves = ['dolly_right', 'dolly_left', 'jib_up', 'jib_down'] as const
    const files = await Promise.all(moves.map((move) => render({ steps: 8, cleanSteps: 8, camera: { move, scale: 1 } }, { image: true, frames })))
    // A third of the way: a full-weight pan travels 30% of the picture over the clip (the canvas is
    // 1.3× the output), so by frame 8 of 24 about 0.3 × 320 / 3 = 32 px across or 0.3 × 192 / 3 ≈ 19 px up or down.
    const shifts = await Promise.all(files.map(async (file) => contentShift(await frameRgb(file, 0), await frameRgb(file, 8), 40)))
    const [right, left, up, down] = shifts
    expect(right!.dx).toBeLessThanOrEqual(-24)
    expect(left!.dx).toBeGreaterThanOrEqual(24)
    expect(up!.dy).toBeGreaterThanOrEqual(12)
    expect(down!.dy).toBeLessThanOrEqual(-12)
    for (const { dy } of [right!, left!]) expect(Math.abs(dy)).toBeLessThanOrEqual(2)
    for (const { dx } of [up!, down!]) expect(Math.abs(dx)).toBeLessThanOrEqual(2)
  }, TIMEOUT)

  it('zooms in for dolly_in: the last frame’s centre is the first frame’s centre, enlarged', async () => {
    const frames = 25
    const file = await render({ steps: 8, cleanSteps: 8, camera: { move: 'dolly_in', scale: 1 } }, { image: true, frames })
    const [first, last] = await Promise.all([frameRgb(file, 0), frameRgb(file, frames - 1)])
    const still = await render(undefined, { image: true, frames })
    expect(meanAbsoluteDifference(first, await frameRgb(still, 0))).toBeLessThan(3)
    expect(meanAbsoluteDifference(first, last)).toBeGreaterThan(VISIBLE_MAD)
  }, TIMEOUT)
})
