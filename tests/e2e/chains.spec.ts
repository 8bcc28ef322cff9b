import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { expect, test, type APIRequestContext } from '@playwright/test'
import { ffmpegPath, probeMedia } from '@/lib/media/media-tools'
import type { TakeView } from '@/lib/takes/take-view'
import { meanAbsoluteDifference } from '../unit/helpers/pixels'
import { finishedTake, makeTake, marker, uploadClip, V2V } from './submit'

// Shot chains: Continue from a video-to-video take into image-to-video with its last frame. The new
// take's input image is that frame (checked pixel by pixel against the last frame ffmpeg decodes from
// the parent's video here), it remembers its parent, both take pages show the chain, and history's
// chain filter shows the two takes and nothing else.

const I2V = 'fal-ai/ltx-2/image-to-video'
const run = promisify(execFile)

let clip: string
let work: string
test.beforeAll(async ({ baseURL }) => {
  clip = await uploadClip(baseURL!)
  work = await mkdtemp(path.join(os.tmpdir(), 'takes-e2e-chains-'))
})
test.afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

async function download(request: APIRequestContext, url: string, name: string): Promise<string> {
  const response = await request.get(url)
  expect(response.status(), `GET ${url}`).toBe(200)
  const file = path.join(work, name)
  await writeFile(file, await response.body())
  return file
}

/** Every frame of a media file, decoded to rgb24, in one buffer. */
async function rgbOf(file: string): Promise<Buffer> {
  const { stdout } = await run(ffmpegPath(), ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 })
  return stdout
}

/** The take once the studio keeps its own copy of the video (what a frame is extracted from). */
async function keptTake(request: APIRequestContext, id: string): Promise<TakeView> {
  let view: TakeView | undefined
  await expect
    .poll(async () => {
      view = (await (await request.get(`/api/takes/${id}`)).json()) as TakeView
      return view.copyStatus
    }, { timeout: 30_000 })
    .toBe('kept')
  return view!
}

test('Continue into image-to-video starts from the last frame, and the chain shows on both pages and in history', async ({ page, request }) => {
  test.setTimeout(180_000)
  const parentPrompt = `${marker('chain-parent')} a lighthouse at dusk`
  const made = await makeTake(request, clip, parentPrompt)
  expect(made.status).toBe('COMPLETED')
  const parent = await keptTake(request, made.id)
  expect(parent.parentTakeId).toBeNull()
  // A take of no chain, which the chain filter must leave out.
  const unrelated = await makeTake(request, clip, `${marker('chain-unrelated')} a harbour`)

  // The take page offers Continue into every endpoint that takes a video or an image.
  await page.goto(`/t/${parent.id}`)
  const chain = page.getByTestId('take-chain')
  await chain.getByRole('button', { name: 'Continue…' }).click()
  const choices = page.getByTestId('continue-choice')
  await expect(choices.first()).toBeVisible()
  await expect(page.locator(`[data-testid="continue-choice"][data-endpoint="${V2V.id}"][data-field="video_url"]`)).toHaveCount(1)
  await expect(page.locator('[data-testid="continue-choice"][data-field="audio_url"]')).toHaveCount(0)
  await page.locator(`[data-testid="continue-choice"][data-endpoint="${I2V}"][data-field="image_url"]`).click()

  // The playground fills the image with the parent's last frame and says it continues the take.
  await expect(page).toHaveURL(new RegExp(`/models/${I2V}\\?continue=${parent.id}&field=image_url$`))
  await expect(page.getByText(`Continuing take ${parent.id}`)).toBeVisible({ timeout: 30_000 })
  const payload = page.getByTestId('payload')
  await expect(payload).toContainText('"image_url"')
  const childPrompt = `${marker('chain-child')} the lamp turns on`
  await page.getByLabel('Prompt', { exact: true }).fill(childPrompt)
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  await expect(page).toHaveURL(/[?&]take=[A-Za-z0-9_-]+/, { timeout: 30_000 })
  const childId = new URL(page.url()).searchParams.get('take')!
  expect(new URL(page.url()).searchParams.has('continue')).toBe(false)

  const child = await finishedTake(request, childId)
  expect(child.status).toBe('COMPLETED')
  expect(child.endpointId).toBe(I2V)
  expect(child.parentTakeId).toBe(parent.id)

  // The child's input image is the parent's last frame: the same size, and the same pixels.
  const imageUrl = child.input.image_url
  if (typeof imageUrl !== 'string') throw new Error('the child take has no image_url')
  const image = await download(request, imageUrl, 'input-image')
  const video = await download(request, parent.videoUrl!, 'parent-video.mp4')
  const facts = await probeMedia(video)
  expect(await probeMedia(image)).toMatchObject({ width: facts.width, height: facts.height })
  const frameBytes = facts.width! * facts.height! * 3
  const frames = await rgbOf(video)
  expect(frames.length % frameBytes).toBe(0)
  const lastFrame = frames.subarray(frames.length - frameBytes)
  const firstFrame = frames.subarray(0, frameBytes)
  const imageRgb = await rgbOf(image)
  expect(imageRgb.length).toBe(frameBytes)
  expect(meanAbsoluteDifference(imageRgb, lastFrame)).toBeLessThan(1)
  // The render moves: its first frame is not its last, so the image being the last is a claim that can fail.
  expect(meanAbsoluteDifference(firstFrame, lastFrame)).toBeGreaterThan(2)
  expect(meanAbsoluteDifference(imageRgb, firstFrame)).toBeGreaterThan(2)

  // The child's page shows its parent; the parent's page shows its child; each links to the other.
  await page.goto(`/t/${child.id}`)
  const parentCard = page.locator(`[data-testid="chain-parent"][data-take-id="${parent.id}"]`)
  await expect(parentCard).toBeVisible()
  await expect(parentCard).toHaveAttribute('href', `/t/${parent.id}`)
  await expect(page.getByTestId('chain-player')).toBeVisible()
  await expect(page.getByTestId('chain-now-playing')).toHaveText(/^Take 1 of 2:/)
  await page.goto(`/t/${parent.id}`)
  const childCard = page.locator(`[data-testid="chain-child"][data-take-id="${child.id}"]`)
  await expect(childCard).toBeVisible()
  await expect(childCard.getByTestId('chain-poster')).toBeVisible()

  // History filtered to the chain: the two takes and nothing else, with a chip that clears it.
  await page.getByTestId('chain-history-link').click()
  await expect(page).toHaveURL(new RegExp(`/takes\\?chain=${parent.id}$`))
  const chip = page.getByTestId('history-chain-chip')
  await expect(chip).toContainText(parent.id)
  const cards = page.getByTestId('take-card')
  await expect(cards).toHaveCount(2)
  expect((await cards.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-take-id')))).sort()).toEqual([parent.id, child.id].sort())
  await chip.getByRole('link', { name: 'Show every chain' }).click()
  await expect(page).toHaveURL(/\/takes$/)
  await expect(page.getByTestId('history-chain-chip')).toHaveCount(0)
  await expect(page.locator(`[data-testid="take-card"][data-take-id="${unrelated.id}"]`)).toBeVisible()
})

test('a submit naming a parent that has not completed is refused, and nothing is recorded', async ({ request }) => {
  const prompt = `${marker('chain-refused')} a boat`
  const response = await request.post('/api/fal/proxy', {
    headers: { 'x-fal-target-url': `https://queue.fal.run/${V2V.id}`, 'x-takes-parent-take': 'no-such-take' },
    data: { prompt, video_url: clip },
  })
  expect(response.status()).toBe(422)
  expect(JSON.stringify(await response.json())).toContain('x-takes-parent-take')
  const history = await request.get(`/takes?q=${encodeURIComponent(prompt)}`)
  expect(await history.text()).not.toContain('data-take-id=')
})
