import type { APIRequestContext } from '@playwright/test'
import type { TakeView } from '@/lib/takes/take-view'
import { finishedTake, submitTake, uploadClip, V2V } from '../submit'
import { expect, test, type FalWorld } from './fal-world'

// fal keeps a result for an hour, or six minutes when it is 10 KB or more; the double here keeps
// every result for RETENTION_S. A take whose studio was down past that is recovered from fal's
// webhook when one came, and otherwise ends saying what happened — never lost silently.

const RETENTION_S = 4
test.use({ doubleEnv: { TAKES_LOCAL_RESULT_TTL_S: String(RETENTION_S), TAKES_LOCAL_LARGE_RESULT_TTL_S: String(RETENTION_S), TAKES_LOCAL_RENDER_MS: '4000' } })
test.describe.configure({ mode: 'serial' })

/** Submits a take, waits until fal runs it, kills the studio (-9), and waits until fal has let its result go. */
async function takeOutlivedByItsResult(request: APIRequestContext, falWorld: FalWorld, prompt: string) {
  const video = await uploadClip(falWorld.studio.url)
  const id = await submitTake(request, V2V.id, { prompt, video_url: video })
  await expect.poll(async () => ((await (await request.get(`/api/takes/${id}`)).json()) as TakeView).status, { timeout: 30_000 }).toBe('IN_PROGRESS')
  const { requestId } = (await (await request.get(`/api/takes/${id}`)).json()) as TakeView
  await falWorld.studio.kill('SIGKILL')
  // fal (the double) finishes the run while the studio is down…
  const statusUrl = `${falWorld.double.url}/api/local-fal/queue/${V2V.id.split('/').slice(0, 2).join('/')}/requests/${requestId}/status`
  const auth = { authorization: `Key ${falWorld.key}` }
  await expect.poll(async () => ((await (await fetch(statusUrl, { headers: auth })).json()) as { status: string }).status, { timeout: 30_000 }).toBe('COMPLETED')
  // …and then lets its result go, as fal does after its retention.
  const resultUrl = statusUrl.replace(/\/status$/, '')
  await expect.poll(async () => (await fetch(resultUrl, { headers: auth })).status, { timeout: 30_000, intervals: [500] }).toBe(404)
  return { id, requestId: requestId! }
}

test('the studio killed past the result’s retention: the take is recovered from fal’s webhook', async ({ request, falWorld }) => {
  test.setTimeout(150_000)
  const { id } = await takeOutlivedByItsResult(request, falWorld, 'recovered from the webhook')
  await falWorld.restartStudio()
  const take = await finishedTake(request, id)
  expect(take).toMatchObject({ status: 'COMPLETED', copyStatus: 'kept' })
  expect(take.videoUrl).toMatch(/^\/api\/outputs\//)
})

test('the studio killed past the result’s retention, no webhook: the take says fal no longer holds it, when it completed, and that it was billed', async ({ page, request, falWorld }) => {
  test.setTimeout(150_000)
  // Without a public URL the studio asks for no webhook.
  await falWorld.studio.kill()
  await falWorld.restartStudio({ TAKES_PUBLIC_URL: '' })
  const { id } = await takeOutlivedByItsResult(request, falWorld, 'outlived by its result')
  await falWorld.restartStudio({ TAKES_PUBLIC_URL: '' })
  const take = await finishedTake(request, id)
  expect(take.status).not.toBe('COMPLETED')
  expect(take.error?.message).toMatch(/fal no longer holds this result; it completed at .+ and was billed/)
  await page.goto(`/t/${id}`)
  await expect(page.getByText(/fal no longer holds this result; it completed at .+ and was billed/)).toBeVisible()
  await falWorld.studio.kill()
  await falWorld.restartStudio()
})
