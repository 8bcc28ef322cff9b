import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import { catalog } from '@/lib/endpoints'
import { backendControl } from './backend'
import { openAdditionalSettings } from './helpers'
import { finishedTake, makeTake, marker, submitTake, uploadClip, V2V } from './submit'
import { removeDir, startPasswordStudio } from './attacks/password-studio'
import type { StudioProcess } from './server'

// axe on every page, in every state a person meets: nothing serious or critical.

/** axe's serious and critical violations on the page as it is now, each with where it is. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)
}

async function expectAccessible(page: Page, state: string) {
  expect(await seriousViolations(page), state).toEqual([])
}

test.describe('axe', () => {
  test.describe.configure({ mode: 'serial' })
  let clip = ''
  let finished = ''
  let other = ''

  test.beforeAll(async ({ request, baseURL }) => {
    test.setTimeout(180_000)
    clip = await uploadClip(baseURL!)
    finished = (await makeTake(request, clip, marker('a11y'))).id
    other = (await makeTake(request, clip, marker('a11y-other'))).id
  })

  test('the studio’s pages, as they load', async ({ page, request }) => {
    test.setTimeout(240_000)
    const shared = (await (await request.put(`/api/takes/${finished}/share`)).json()) as { sharePath: string }
    const sweep = await request.post('/api/sweeps', {
      data: { endpointId: V2V.id, input: { prompt: marker('a11y-sweep'), video_url: clip }, axes: [{ field: 'num_frames', values: [9, 17] }], concurrency: 1, varySeed: false },
    })
    expect(sweep.status(), await sweep.text()).toBe(201)
    const batch = await request.post('/api/batches', {
      data: { endpointId: V2V.id, input: { video_url: clip, num_frames: 9 }, rows: [{ line: 1, values: { prompt: marker('a11y-batch-1') } }, { line: 2, values: { prompt: marker('a11y-batch-2') } }], concurrency: 1, pinExpansionOff: true },
    })
    expect(batch.status(), await batch.text()).toBe(201)
    // A take that continues another: both take pages show the chain.
    const child = await request.post('/api/fal/proxy', {
      headers: { 'x-fal-target-url': `https://queue.fal.run/${V2V.id}`, 'x-takes-parent-take': finished },
      data: { prompt: marker('a11y-child'), video_url: clip, num_frames: 9 },
    })
    expect(child.status(), await child.text()).toBe(200)
    const childId = ((await child.json()) as { take_id: string }).take_id
    await finishedTake(request, childId)
    const pages = [
      '/loras',
      `/t/${childId}`,
      ((await batch.json()) as { url: string }).url,
      '/',
      ...catalog.endpoints.map((endpoint) => `/models/${endpoint.id}`),
      '/takes',
      '/takes?q=nothing-matches-this',
      `/t/${finished}`,
      shared.sharePath,
      `/compare?ids=${finished},${other}`,
      ((await sweep.json()) as { url: string }).url,
      '/no-such-page',
    ]
    for (const path of pages) {
      await page.goto(path)
      await expectAccessible(page, path)
    }
  })

  test('the playground: panels open, an error on a field, a take running, a take finished', async ({ page, request }) => {
    test.setTimeout(180_000)
    await page.goto(`/models/${V2V.id}`)
    await openAdditionalSettings(page)
    await page.getByRole('switch').first().waitFor()
    await page.locator('summary', { hasText: 'Code' }).click()
    await page.getByTestId('code-snippet').waitFor()
    await page.getByRole('button', { name: 'Presets' }).click()
    await page.getByRole('button', { name: 'Sweep' }).click()
    await expectAccessible(page, 'panels open')

    await page.goto(`/models/${V2V.id}`)
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(page.getByLabel('Prompt', { exact: true })).toHaveAttribute('aria-invalid', 'true')
    await expectAccessible(page, 'errors on fields')

    const tag = randomUUID()
    await backendControl(request, { tag, faults: { slowRunsMs: 60_000 } })
    const running = await submitTake(request, V2V.id, { prompt: marker('a11y-running'), video_url: clip }, tag)
    await page.goto(`/models/${V2V.id}?take=${running}`)
    await expect(page.getByTestId('take-status')).toHaveText(/In queue|In progress/)
    await page.getByTestId('take-progress').waitFor()
    await expectAccessible(page, 'a take running')
    await request.post(`/api/takes/${running}/cancel`)

    await page.goto(`/models/${V2V.id}?take=${finished}`)
    await page.getByTestId('result-video').waitFor()
    await expectAccessible(page, 'a take finished')
    await finishedTake(request, running)
  })

  test('a confirmation open, and the history with a failed take', async ({ page, request }) => {
    const tag = randomUUID()
    await backendControl(request, { tag, faults: { failNextRuns: 1 } })
    const prompt = marker('a11y-failed')
    await finishedTake(request, await submitTake(request, V2V.id, { prompt, video_url: clip }, tag))
    await page.goto(`/takes?q=${encodeURIComponent(prompt)}`)
    await expect(page.getByTestId('take-card-error')).toBeVisible()
    await expectAccessible(page, 'a failed take in the history')
    await page.getByRole('button', { name: 'Why this take failed' }).click()
    await expect(page.getByRole('dialog', { name: 'Why this take failed' })).toBeVisible()
    await expectAccessible(page, 'a popover open')
    await page.keyboard.press('Escape')
    await page.getByTestId('take-card').getByRole('button', { name: 'Delete' }).click()
    await expect(page.getByRole('alertdialog')).toBeVisible()
    await expectAccessible(page, 'a confirmation open')
    await page.keyboard.press('Escape')
    await expect(page.getByRole('alertdialog')).toHaveCount(0)
  })
})

test.describe('axe on a studio with a password', () => {
  const DATA_DIR = '.e2e-data-a11y-login'
  let studio: StudioProcess | undefined

  test.beforeAll(async () => {
    await removeDir(DATA_DIR)
    studio = await startPasswordStudio(3560, DATA_DIR)
  })
  test.afterAll(async () => {
    await studio?.kill()
    await removeDir(DATA_DIR)
  })

  test('the sign-in page, and a wrong password', async ({ page }) => {
    test.setTimeout(120_000)
    await page.goto(`${studio!.url}/login`, { timeout: 90_000 })
    await expectAccessible(page, 'sign-in')
    await page.getByLabel('Password').fill('wrong')
    await page.getByRole('button', { name: /sign in/i }).click()
    await expect(page.getByText('That password is not right.')).toBeVisible()
    await expectAccessible(page, 'sign-in refused')
  })
})
