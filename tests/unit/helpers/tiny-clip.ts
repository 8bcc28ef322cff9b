import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { ffmpegPath } from '@/lib/media/media-tools'

/** The smallest clip the simulator renders from (9 frames of 64 × 64), made in `dir`, as a data URI. */
export async function tinyClipDataUri(dir: string): Promise<string> {
  const clip = path.join(dir, 'in.mp4')
  await promisify(execFile)(ffmpegPath(), ['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=25:duration=0.36', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', clip])
  return `data:video/mp4;base64,${(await readFile(clip)).toString('base64')}`
}
