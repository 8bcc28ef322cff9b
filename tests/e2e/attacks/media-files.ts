import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs'
import path from 'node:path'
import { expect, type APIRequestContext } from '@playwright/test'
import { FIXTURES_DIR } from '../../fixtures/media'

/** Media the attack specs need beyond the shared fixtures: made by ffmpeg once, never committed. */
const RECIPES = {
  /** 60 seconds at 25 fps: 1500 frames with match_video_length, past the 481 any endpoint makes. */
  'sixty-seconds.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=320x192:rate=25:duration=60', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '45', '-pix_fmt', 'yuv420p'],
  /** A few frames of 4K: `auto` makes a 3840 × 2160 output. */
  'uhd.mp4': ['-f', 'lavfi', '-i', 'testsrc2=size=3840x2160:rate=25:duration=0.2', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '45', '-pix_fmt', 'yuv420p'],
} as const

export type AttackMedia = keyof typeof RECIPES

export function attackMedia(name: AttackMedia): string {
  mkdirSync(FIXTURES_DIR, { recursive: true })
  const file = path.join(FIXTURES_DIR, name)
  if (!existsSync(file)) {
    // Made aside, then renamed: another worker may be making the same file.
    const partial = `${file}.${process.pid}.mp4`
    execFileSync('ffmpeg', ['-v', 'error', '-y', ...RECIPES[name], partial])
    renameSync(partial, file)
  }
  return file
}

/** Uploads a file as `client` (signed in), as the browser does: the handshake through the proxy, then the bytes. Its URL. */
export async function uploadAs(client: APIRequestContext, file: string, contentType = 'video/mp4'): Promise<string> {
  const handshake = await client.post('/api/fal/proxy', {
    headers: { 'x-fal-target-url': 'https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3', 'content-type': 'application/json' },
    data: { content_type: contentType, file_name: path.basename(file) },
  })
  expect(handshake.status(), await handshake.text()).toBe(200)
  const { upload_url: uploadUrl, file_url: fileUrl } = (await handshake.json()) as { upload_url: string; file_url: string }
  const put = await client.put(uploadUrl, { headers: { 'content-type': contentType }, data: readFileSync(file) })
  expect(put.status(), await put.text()).toBe(200)
  return fileUrl
}
