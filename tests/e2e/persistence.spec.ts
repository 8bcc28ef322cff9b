import { expect, test } from '@playwright/test'
import { backendControl } from './backend'
import { openAdditionalSettings } from './helpers'
import { finishedTake, marker, submitTake, uploadClip, V2V } from './submit'
import { expectPlayableResult, fillRequired, shownPayload, tagPage } from './takes'

// Takes outlive the page that started them: the server records and follows them.

test.describe('a take started in the playground', () => {
  test.beforeEach(async ({ page, request }, testInfo) => {
    const tag = `persist-${testInfo.testId}`
    await tagPage(page, tag)
    // Slow runs, so the take is still running when the page goes away.
    await backendControl(request, { tag, faults: { slowRunsMs: 4000 } })
    await page.goto(`/models/${V2V.id}`)
  })

  test('reloading while it runs shows it again, following it to its end in view', async ({ page, request }, testInfo) => {
    await fillRequired(page, V2V, marker('reload'))
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(page.getByTestId('take-status')).toHaveText(/In queue|In progress/)
    await expect(page).toHaveURL(/[?&]take=[\w-]{22}/)
    const takeId = new URL(page.url()).searchParams.get('take')!

    await page.reload()
    await expect(page.getByTestId('take-status')).toHaveText(/In queue|In progress/)
    await expect(page.getByTestId('take-status')).toHaveText('Completed', { timeout: 45_000 })
    await expectPlayableResult(page)
    // The player plays the studio's own copy of the output.
    await expect(page.getByTestId('result-video')).toHaveAttribute('src', new RegExp(`^/api/outputs/${takeId}/`))
    await expect(page.getByTestId('billed-amount')).toHaveText(/^\$\d/)
    await expect(page.getByTestId('take-page-link')).toHaveAttribute('href', `/t/${takeId}`)
    expect((await backendControl(request)).counters.submitsByTag[`persist-${testInfo.testId}`]).toBe(1)
  })

  test('closing the page while it runs: the take finishes anyway and is in the history', async ({ page, context, request }) => {
    const prompt = marker('closed')
    await fillRequired(page, V2V, prompt)
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(page).toHaveURL(/[?&]take=[\w-]{22}/)
    const takeId = new URL(page.url()).searchParams.get('take')!
    await page.close()

    const take = await finishedTake(request, takeId)
    expect(take.status).toBe('COMPLETED')
    const later = await context.newPage()
    await later.goto(`/takes?q=${encodeURIComponent(prompt)}`)
    const card = later.getByTestId('take-card')
    await expect(card).toHaveCount(1)
    await expect(card.getByTestId('take-status-badge')).toHaveText('Completed')
    await expect(card.getByTestId('take-prompt')).toHaveText(prompt)
    await expect(card.getByTestId('take-billed')).toHaveText(/^\$\d/)
  })
})

test('remix opens the playground with the take’s exact payload, media included', async ({ page, request }, testInfo) => {
  await tagPage(page, `remix-${testInfo.testId}`)
  await page.goto(`/models/${V2V.id}`)
  await fillRequired(page, V2V, marker('remix'))
  await openAdditionalSettings(page)
  await page.getByLabel('Match Video Length', { exact: true }).click()
  const frames = page.getByLabel('Number of Frames', { exact: true })
  await frames.fill('57')
  await frames.blur()
  await page.getByLabel('Video Size', { exact: true }).selectOption('square')
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  await expect(page.getByTestId('take-status')).toHaveText('Completed', { timeout: 45_000 })
  const takeId = new URL(page.url()).searchParams.get('take')!
  const take = await finishedTake(request, takeId)

  await page.goto(`/t/${takeId}`)
  await page.getByRole('link', { name: 'Remix' }).click()
  await expect(page).toHaveURL(new RegExp(`/models/${V2V.id}\\?remix=${takeId}`))
  await expect.poll(() => shownPayload(page)).toEqual(take.input)
  expect(take.input).toMatchObject({ num_frames: 57, match_video_length: false, video_size: 'square', video_url: expect.stringMatching(/^http/) })
})

test('a sync_mode take (output as a data URI) is kept as a file like any other', async ({ request, baseURL }) => {
  const clip = await uploadClip(baseURL!)
  const take = await finishedTake(request, await submitTake(request, V2V.id, { prompt: marker('sync'), video_url: clip, sync_mode: true }))
  expect(take.status).toBe('COMPLETED')
  expect(String((take.output?.video as { url?: string }).url)).toMatch(/^data:video\/mp4;base64,/)
  expect(take.videoUrl).toMatch(new RegExp(`^/api/outputs/${take.id}/`))
  const kept = await request.get(take.videoUrl!, { headers: { range: 'bytes=0-11' } })
  expect(kept.status()).toBe(206)
  expect((await kept.body()).subarray(4, 8).toString('latin1')).toBe('ftyp')
  expect((await request.get(take.posterUrl!)).headers()['content-type']).toBe('image/jpeg')
})
