import { expect, test } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import { downloadFileName } from '@/lib/takes/download-name'
import { backendControl } from './backend'
import { finishedTake, marker, submitTake, uploadClip, V2V } from './submit'

// The result is the stage: large from the start, the form beside it on a wide screen, progress with
// a bar while a take runs, then the player, larger than the input's preview.

test.use({ viewport: { width: 1440, height: 900 } })

test('an empty stage before the first run, beside the form and wider than it', async ({ page }) => {
  await page.goto(`/models/${V2V.id}`)
  const stage = page.getByRole('region', { name: 'Result' })
  await expect(stage).toContainText('Your take plays here')
  const form = page.getByRole('region', { name: 'Input' })
  const [stageBox, formBox] = [await stage.boundingBox(), await form.boundingBox()]
  expect(stageBox!.x).toBeGreaterThan(formBox!.x + formBox!.width - 1)
  expect(stageBox!.width).toBeGreaterThan(formBox!.width)
  // 16:9, the player's size, from the start.
  const frame = await page.getByTestId('stage-frame').boundingBox()
  expect(frame!.width / frame!.height).toBeCloseTo(16 / 9, 1)
  await expect(page.getByRole('button', { name: 'Run', exact: true })).toBeInViewport()
})

test('a running take shows its progress as a bar, from fal’s step logs', async ({ page, request, baseURL }) => {
  const tag = randomUUID()
  await backendControl(request, { tag, faults: { slowRunsMs: 30_000 } })
  const id = await submitTake(request, V2V.id, { prompt: marker('stage-progress'), video_url: await uploadClip(baseURL!) }, tag)
  await page.goto(`/models/${V2V.id}?take=${id}`)
  const stage = page.getByRole('region', { name: 'Result' })
  await expect(stage.getByRole('progressbar')).toBeVisible()
  // Once the run logs "Denoising step k/N", the bar has a value and says how far. The steps pass in
  // a second or two (after the 30 s wait), so both are read in the page at every change, together.
  const shown = await stage.evaluate(
    (region) =>
      new Promise<{ percent: string; value: number }>((resolve) => {
        const check = () => {
          const percent = region.querySelector('[data-testid="take-progress-percent"]')?.textContent ?? ''
          const bar = region.querySelector('progress')
          if (!bar || !/^\d{1,3}%$/.test(percent) || !(bar.value > 0)) return false
          resolve({ percent, value: bar.value })
          return true
        }
        if (check()) return
        const observer = new MutationObserver(() => check() && observer.disconnect())
        observer.observe(region, { subtree: true, childList: true, attributes: true, characterData: true })
      }),
  )
  expect(shown.value).toBeGreaterThan(0)
  await request.post(`/api/takes/${id}/cancel`)
  await expect(page.getByTestId('take-status')).toHaveText(/Cancelled|Completed/, { timeout: 30_000 })
  await finishedTake(request, id)
})

test('Load example, Run: the player fills the stage, larger than the input’s preview, and downloads as <model>-<take id>.mp4', async ({ page }, testInfo) => {
  await page.goto(`/models/${V2V.id}`)
  await page.getByRole('button', { name: 'Load example' }).click()
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  const player = page.getByTestId('result-video')
  await expect(player).toBeVisible({ timeout: 60_000 })
  await expect.poll(() => player.evaluate((video) => (video as HTMLVideoElement).readyState), { timeout: 30_000 }).toBeGreaterThanOrEqual(1)
  const [playerBox, stageBox, previewBox] = [
    await player.boundingBox(),
    await page.getByRole('region', { name: 'Result' }).boundingBox(),
    await page.getByTestId('preview-video_url').boundingBox(),
  ]
  expect(playerBox!.width).toBeGreaterThan(stageBox!.width * 0.9)
  expect(playerBox!.width * playerBox!.height).toBeGreaterThan(previewBox!.width * previewBox!.height * 2)
  const takeId = new URL(await page.getByTestId('take-page-link').evaluate((link) => (link as HTMLAnchorElement).href)).pathname.split('/').pop()!
  const download = page.getByRole('link', { name: 'Download' })
  await expect(download).toHaveAttribute('download', downloadFileName(V2V.id, takeId))
  await page.screenshot({ path: testInfo.outputPath('stage-finished.png') })
})
