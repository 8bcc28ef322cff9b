import { readFileSync, writeFileSync } from 'node:fs'
import type { TakeView } from '@/lib/takes/take-view'
import { fixturePath } from '../../fixtures/media'
import { expectPlayableResult, shownPayload } from '../takes'
import { V2V } from '../submit'
import { expect, test } from './fal-world'

// fal's client uploads a file over 90 MB in parts (initiate-multipart through the proxy, 10 MB parts
// straight to fal's storage, then complete). A take then runs on the uploaded file.

const MULTIPART_ABOVE = 90 * 1024 * 1024

/** The test clip with a `free` box after it: a valid MP4 of more than `bytes`. */
function largeClip(path: string, bytes: number): number {
  const clip = readFileSync(fixturePath('video'))
  const padding = bytes - clip.length
  const box = Buffer.alloc(padding)
  box.writeUInt32BE(padding, 0)
  box.write('free', 4, 'latin1')
  writeFileSync(path, Buffer.concat([clip, box]))
  return clip.length + padding
}

test('a video over 90 MB is uploaded in parts through the proxy, then a take runs on it', async ({ page, falWorld }, testInfo) => {
  test.setTimeout(240_000)
  const file = testInfo.outputPath('large.mp4')
  const size = largeClip(file, MULTIPART_ABOVE + 5 * 1024 * 1024)
  const before = await falWorld.frontCounts()
  const handshakes: string[] = []
  page.on('request', (request) => {
    const target = request.headers()['x-fal-target-url']
    if (target) handshakes.push(new URL(target).pathname)
  })

  await page.goto(`/models/${V2V.id}`)
  await page.getByLabel('Prompt', { exact: true }).fill('a take on a large upload')
  await page.locator('[data-field="video_url"] input[type="file"]').setInputFiles(file)
  await expect(page.locator('[data-field="video_url"]').getByText(/Local file: .* — uploaded/)).toBeVisible({ timeout: 120_000 })
  expect(handshakes).toContain('/storage/upload/initiate-multipart')
  const videoUrl = String((await shownPayload(page)).video_url)
  expect(videoUrl).toMatch(/^https:\/\/v3\.fal\.media\//)
  // The parts and the completion went straight to fal's storage, not through the studio.
  const after = await falWorld.frontCounts()
  expect((after.forwarded['v3.fal.media'] ?? 0) - (before.forwarded['v3.fal.media'] ?? 0)).toBeGreaterThanOrEqual(Math.ceil(size / (10 * 1024 * 1024)) + 1)

  const submitted = page.waitForResponse((response) => response.url().endsWith('/api/fal/proxy') && response.request().method() === 'POST')
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  const { take_id: takeId } = (await (await submitted).json()) as { take_id: string }
  await expect(page.getByTestId('take-status')).toHaveText('Completed', { timeout: 120_000 })
  await expectPlayableResult(page)
  const take = (await (await page.request.get(`/api/takes/${takeId}`)).json()) as TakeView
  expect(take).toMatchObject({ status: 'COMPLETED', input: { video_url: videoUrl } })
})
