import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import { backendControl } from './backend'
import { dropFile, fieldFrame } from './helpers'
import { TAG_HEADER, tagPage } from './takes'
import { uploadClip, V2V } from './submit'

// Bad input is caught on its field, in the browser, before anything is spent; the server refuses the
// same input with the same validator.

/** An MP4's first box, inline: a valid media value that needs no request to the backend (a data URI is not fetched). */
const MP4_HEADER_DATA_URI = 'data:video/mp4;base64,AAAAGGZ0eXBpc29tAAACAGlzb21tcDQx'

async function openV2V(page: Page, tag: string) {
  await tagPage(page, tag)
  await page.goto(`/models/${V2V.id}`)
  await expect(page.getByRole('heading', { level: 1, name: V2V.title })).toBeVisible()
}

/** What this test's tag has cost the local backend: every call, and submits. */
async function backendSeen(request: APIRequestContext, tag: string) {
  const { counters } = await backendControl(request)
  return { calls: counters.tagged[tag] ?? 0, submits: counters.submitsByTag[tag] ?? 0 }
}

const prompt = (page: Page) => page.getByLabel('Prompt', { exact: true })
const videoUrl = (page: Page) => page.getByLabel('Video URL', { exact: true })
const run = (page: Page) => page.getByRole('button', { name: 'Run', exact: true })

test('a prompt of only spaces is refused on its field, nothing is submitted, and the error clears on typing', async ({ page, request }, testInfo) => {
  const tag = `bad-input-${testInfo.testId}`
  await openV2V(page, tag)
  await prompt(page).fill('   \n  ')
  await videoUrl(page).fill(MP4_HEADER_DATA_URI)
  await run(page).click()

  const error = fieldFrame(page, 'prompt').getByRole('alert')
  await expect(error).toHaveText('Prompt is empty: enter a prompt')
  await expect(prompt(page)).toHaveAttribute('aria-invalid', 'true')
  await expect(prompt(page)).toBeFocused()
  // Nothing else is wrong: the video field shows no error.
  await expect(fieldFrame(page, 'video_url').getByRole('alert')).toHaveCount(0)
  await expect(page.getByTestId('take-status')).toHaveCount(0)
  expect(await backendSeen(request, tag)).toEqual({ calls: 0, submits: 0 })

  // The error goes at the first keystroke, without leaving the field.
  await prompt(page).press('End')
  await prompt(page).pressSequentially('a')
  await expect(error).toHaveCount(0)
  await expect(prompt(page)).toHaveAttribute('aria-invalid', 'false')
  await expect(prompt(page)).toBeFocused()

  // A value that is still blank is flagged again when the field is left, and on Run.
  await prompt(page).fill('  ')
  await expect(error).toHaveCount(0)
  await prompt(page).blur()
  await expect(error).toHaveText('Prompt is empty: enter a prompt')
  await prompt(page).fill('a cowboy at dusk')
  await expect(error).toHaveCount(0)
  await run(page).click()
  await expect(page.getByTestId('take-status')).toBeVisible()
  await expect.poll(async () => (await backendSeen(request, tag)).submits).toBe(1)
})

test('the server refuses a prompt of only spaces with the same message, on the prompt', async ({ request }, testInfo) => {
  const tag = `bad-input-${testInfo.testId}`
  const response = await request.post('/api/fal/proxy', {
    headers: { 'x-fal-target-url': `https://queue.fal.run/${V2V.id}`, [TAG_HEADER]: tag },
    data: { prompt: ' \t ', video_url: 'https://v3.fal.media/files/x/in.mp4' },
  })
  expect(response.status()).toBe(422)
  const body = (await response.json()) as { detail: { loc: string[]; msg: string }[] }
  expect(body.detail).toEqual([expect.objectContaining({ loc: ['body', 'prompt'], msg: 'Prompt is empty: enter a prompt' })])
  expect(await backendSeen(request, tag)).toEqual({ calls: 0, submits: 0 })
})

test('a text file named clip.mp4 is refused on the field by its bytes, before any upload', async ({ page, request }, testInfo) => {
  const tag = `bad-input-${testInfo.testId}`
  await openV2V(page, tag)
  const transfer = await page.evaluateHandle(() => {
    const data = new DataTransfer()
    data.items.add(new File(['this is not a video, only some words\n'.repeat(20)], 'clip.mp4', { type: 'video/mp4' }))
    return data
  })
  await page.getByTestId('dropzone-video_url').dispatchEvent('drop', { dataTransfer: transfer })

  const error = fieldFrame(page, 'video_url').getByRole('alert')
  await expect(error).toHaveText('clip.mp4 was not uploaded: its bytes are plain text, not a video')
  await expect(videoUrl(page)).toHaveAttribute('aria-invalid', 'true')
  await expect(fieldFrame(page, 'video_url').getByText(/Local file:/)).toHaveCount(0)
  expect(await backendSeen(request, tag)).toEqual({ calls: 0, submits: 0 })

  // Typing a URL clears the refusal; a real video is uploaded (the same counters see it).
  await videoUrl(page).fill('https://')
  await expect(error).toHaveCount(0)
  await dropFile(page, 'video_url', 'video')
  await expect(fieldFrame(page, 'video_url').getByText(/Local file: .* — uploaded/)).toBeVisible({ timeout: 20_000 })
  await expect(error).toHaveCount(0)
  expect((await backendSeen(request, tag)).calls).toBeGreaterThan(0)
})

for (const { name, path, reason } of [
  { name: "the studio's own JSON", path: '/api/endpoints', reason: 'its bytes are JSON data (application/json), not a video' },
  { name: 'a missing file on the simulator', path: '/api/local-fal/files/no-such-file/clip.mp4', reason: 'the server answered 404 Not Found' },
]) {
  test(`a pasted URL of ${name} is flagged on its field before Run, and Run refuses it`, async ({ page, request, baseURL }, testInfo) => {
    const tag = `bad-input-${testInfo.testId}`
    await openV2V(page, tag)
    await prompt(page).fill('a cowboy at dusk')
    await videoUrl(page).fill(`${baseURL}${path}`)

    const error = fieldFrame(page, 'video_url').getByRole('alert')
    await expect(error).toHaveText(`The browser could not load this video: ${reason}`)
    await expect(videoUrl(page)).toHaveAttribute('aria-invalid', 'true')
    await run(page).click()
    await expect(videoUrl(page)).toBeFocused()
    await expect(error).toHaveText(`The browser could not load this video: ${reason}`)
    await expect(page.getByTestId('take-status')).toHaveCount(0)
    expect((await backendSeen(request, tag)).submits).toBe(0)

    // Replaced by a file the simulator serves: no flag, and Run submits.
    await videoUrl(page).fill(await uploadClip(baseURL!))
    await expect(error).toHaveCount(0)
    await run(page).click()
    await expect(page.getByTestId('take-status')).toBeVisible()
    await expect.poll(async () => (await backendSeen(request, tag)).submits).toBe(1)
    await expect(fieldFrame(page, 'video_url').getByRole('alert')).toHaveCount(0)
    await expect(page.getByTestId('warning-video_url')).toHaveCount(0)
  })
}

test('a URL the page may not read is flagged with why, and Run still sends it (fal fetches it itself)', async ({ page, request }, testInfo) => {
  const tag = `bad-input-${testInfo.testId}`
  await openV2V(page, tag)
  await prompt(page).fill('a cowboy at dusk')
  await videoUrl(page).fill('https://example.com/input.mp4')
  const warning = page.getByTestId('warning-video_url')
  await expect(warning).toHaveText(
    "The browser could not load this video: this studio's pages may not load media from example.com. fal fetches inputs itself, so Run still sends it.",
  )
  await expect(videoUrl(page)).toHaveAttribute('aria-invalid', 'false')
  await run(page).click()
  await expect(page.getByTestId('take-status')).toBeVisible()
  await expect.poll(async () => (await backendSeen(request, tag)).submits).toBe(1)
})
