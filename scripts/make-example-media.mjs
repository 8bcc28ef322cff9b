#!/usr/bin/env node
/**
 * Makes the example media the studio ships in public/examples (lib/endpoints/example-media.ts names
 * them): a short video with sound, a still image and a short audio clip, all from ffmpeg's synthetic
 * sources, so the studio owns every byte and "Load example" runs offline.
 *
 *   node scripts/make-example-media.mjs
 *
 * Uses the ffmpeg on the PATH, else the one @ffmpeg-installer/ffmpeg ships. The output is bit-exact
 * for one ffmpeg build (no timestamps or encoder strings in the files), so running it again changes
 * nothing unless ffmpeg itself changed.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const outDir = path.join(root, 'public', 'examples')
/** Every file stays small: it is committed, and uploaded once per "Load example" in local mode. */
const MAX_BYTES = 300 * 1024

function ffmpegPath() {
  if (spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0) return 'ffmpeg'
  return createRequire(path.join(root, 'package.json'))('@ffmpeg-installer/ffmpeg').path
}

const BITEXACT = ['-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact']

/** 3 s at 25 fps (75 frames), 640 × 352 (multiples of 32, as LTX-2 works), a moving pattern and a tone. */
const video = [
  '-f', 'lavfi', '-i', 'testsrc2=size=640x352:rate=25:duration=3',
  '-f', 'lavfi', '-i', 'sine=frequency=440:beep_factor=4:sample_rate=44100:duration=3',
  '-c:v', 'libx264', '-preset', 'slow', '-crf', '30', '-pix_fmt', 'yuv420p', '-profile:v', 'main',
  '-c:a', 'aac', '-b:a', '64k', '-ac', '1',
  '-shortest', '-movflags', '+faststart',
]

/** One frame of a Mandelbrot set, 768 × 512. */
const image = ['-f', 'lavfi', '-i', 'mandelbrot=size=768x512:rate=1', '-frames:v', '1', '-q:v', '4', '-pix_fmt', 'yuvj420p']

/** 3 s of a rising two-tone chime, mono MP3. */
const audio = [
  '-f', 'lavfi', '-i', "aevalsrc='0.4*sin(2*PI*(330+110*floor(2*t))*t)+0.2*sin(2*PI*(495+165*floor(2*t))*t)':s=44100:d=3",
  '-c:a', 'libmp3lame', '-b:a', '64k', '-ac', '1', '-write_xing', '0', '-id3v2_version', '0',
]

const FILES = [
  { name: 'example-video.mp4', args: video },
  { name: 'example-image.jpg', args: image },
  { name: 'example-audio.mp3', args: audio },
]

mkdirSync(outDir, { recursive: true })
const ffmpeg = ffmpegPath()
for (const { name, args } of FILES) {
  const target = path.join(outDir, name)
  const run = spawnSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', ...args, ...BITEXACT, target], { stdio: 'inherit' })
  if (run.status !== 0) {
    console.error(`ffmpeg failed on ${name}`)
    process.exit(1)
  }
  const { size } = statSync(target)
  if (size > MAX_BYTES) {
    console.error(`${name} is ${size} bytes; example media must stay under ${MAX_BYTES}`)
    process.exit(1)
  }
  console.log(`${path.relative(root, target)}  ${(size / 1024).toFixed(1)} kB`)
}
