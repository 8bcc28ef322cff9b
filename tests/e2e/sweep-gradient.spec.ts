import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'
import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import { SWEEP_CONFIRM_USD, type SweepAxis } from '@/lib/sweeps/sweep-plan'
import type { SweepView } from '@/lib/sweeps/sweep-view'
import { marker, V2V } from './submit'
import { fillRequired } from './takes'
import { colourfulness, meanAbsoluteDifference } from '../unit/helpers/pixels'

const run = promisify(execFile)
const FFMPEG = existsSync('/usr/bin/ffmpeg') ? '/usr/bin/ffmpeg' : 'ffmpeg'

// Rows: steps (few → soft and grainy, the endpoint's 40 → clean); columns: guidance (low → washed out, high → punchy).
const STEPS: SweepAxis = { field: 'num_inference_steps', values: [8, 20, 40] }
const GUIDANCE: SweepAxis = { field: 'guidance_scale', values: [1.5, 3, 6] }
/** A mean absolute difference (0..255 per RGB channel) above this is plain to see. */
const VISIBLE_MAD = 10
const POSTER_W = 160
const POSTER_H = 96

async function sweepOf(request: APIRequestContext, id: string): Promise<SweepView> {
  const response = await request.get(`/api/sweeps/${id}`)
  expect(response.status()).toBe(200)
  return (await response.json()) as SweepView
}

/** A poster (JPEG) decoded to raw RGB at one small size, so any two compare pixel for pixel. */
async function posterRgb(request: APIRequestContext, url: string): Promise<{ bytes: Buffer; rgb: Buffer }> {
  const response = await request.get(url)
  expect(response.status()).toBe(200)
  const bytes = await response.body()
  const decode = run(FFMPEG, ['-v', 'error', '-i', 'pipe:0', '-vf', `scale=${POSTER_W}:${POSTER_H}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], {
    encoding: 'buffer',
    maxBuffer: 4 * 1024 * 1024,
  })
  decode.child.stdin?.end(bytes)
  const { stdout } = await decode
  expect(stdout.length).toBe(POSTER_W * POSTER_H * 3)
  return { bytes, rgb: stdout }
}

async function openSweepPanel(page: Page) {
  await page.getByRole('button', { name: 'Sweep', exact: true }).click()
  return page.getByRole('region', { name: 'Sweep' })
}

test('a 3 × 3 sweep of steps × guidance shows a visible gradient: every cell’s frame differs, along both axes', async ({ page, request }, testInfo) => {
  test.setTimeout(240_000)
  await page.goto(`/models/${V2V.id}`)
  await fillRequired(page, V2V, `${marker('gradient')} a kite over dunes`)

  const panel = await openSweepPanel(page)
  await panel.getByLabel('Sweep field 1').selectOption(STEPS.field)
  await panel.getByLabel('Values 1', { exact: true }).fill(STEPS.values.join(', '))
  await panel.getByLabel('Sweep field 2').selectOption(GUIDANCE.field)
  await panel.getByLabel('Values 2', { exact: true }).fill(GUIDANCE.values.join(', '))
  await expect(panel.getByTestId('sweep-take-count')).toHaveText('9 takes')
  // Below the confirmation threshold, so it runs at once (the small fixture clip keeps each take cheap).
  const total = Number((await panel.getByTestId('sweep-total-estimate').innerText()).replace(/[^0-9.]/g, ''))
  expect(total).toBeLessThan(SWEEP_CONFIRM_USD)
  await panel.getByRole('button', { name: 'Run sweep' }).click()
  await expect(page).toHaveURL(/\/sweeps\/[A-Za-z0-9_-]{22}$/)
  const id = new URL(page.url()).pathname.split('/').pop()!

  // Every cell done, and its output kept with a poster (its first frame).
  await expect(page.getByTestId('sweep-status')).toHaveText('Done', { timeout: 180_000 })
  await expect
    .poll(async () => (await sweepOf(request, id)).cells.filter((cell) => cell.take?.status === 'COMPLETED' && cell.take.posterUrl).length, { timeout: 60_000 })
    .toBe(9)
  const sweep = await sweepOf(request, id)
  const videos = page.getByTestId('sweep-video')
  await expect(videos).toHaveCount(9)
  for (let index = 0; index < 9; index++) {
    await expect.poll(() => videos.nth(index).evaluate((element: HTMLVideoElement) => element.readyState >= 2), { timeout: 20_000 }).toBe(true)
  }

  // The grid as a person sees it.
  const grid = page.getByTestId('sweep-grid')
  await grid.scrollIntoViewIfNeeded()
  const shot = testInfo.outputPath('sweep-gradient-grid.png')
  await grid.screenshot({ path: shot })
  await testInfo.attach('sweep grid', { path: shot, contentType: 'image/png' })

  // posters[row][column]: rows are the steps, columns the guidance scales.
  const cells = [...sweep.cells].sort((a, b) => a.index - b.index)
  const posters = await Promise.all(cells.map((cell) => posterRgb(request, cell.take!.posterUrl!)))
  const at = (row: number, column: number) => posters[row * 3 + column]!
  expect(new Set(posters.map((poster) => poster.bytes.toString('base64'))).size).toBe(9)

  for (let row = 0; row < 3; row++) {
    // Guidance: the low and high columns differ plainly, and colour grows with guidance.
    expect(meanAbsoluteDifference(at(row, 0).rgb, at(row, 2).rgb)).toBeGreaterThan(VISIBLE_MAD)
    const colour = [0, 1, 2].map((column) => colourfulness(at(row, column).rgb))
    expect(colour[0]!).toBeLessThan(colour[1]!)
    expect(colour[1]!).toBeLessThan(colour[2]!)
  }
  for (let column = 0; column < 3; column++) {
    // Steps: the fewer, the further from the clean (40-step) cell.
    const fewOff = meanAbsoluteDifference(at(0, column).rgb, at(2, column).rgb)
    const someOff = meanAbsoluteDifference(at(1, column).rgb, at(2, column).rgb)
    expect(fewOff).toBeGreaterThan(VISIBLE_MAD)
    expect(fewOff).toBeGreaterThan(someOff)
    expect(someOff).toBeGreaterThan(1)
  }
})
