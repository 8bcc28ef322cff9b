import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { catalog } from '@/lib/endpoints'
import { OFFICIAL_LORAS } from '@/lib/loras/official-loras'
import type { TakeView } from '@/lib/takes/take-view'
import { backendControl } from './backend'
import { LibraryPage, libraryOf, LoraList } from './lora-library'
import { marker } from './submit'
import { shownPayload, TAG_HEADER, tagPage } from './takes'

/** axe's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)
}

const A2V_LORA = catalog.find('fal-ai/ltx-2-19b/distilled/audio-to-video/lora')!
const DOLLY_IN = OFFICIAL_LORAS.find((lora) => lora.name === 'Camera: Dolly in (19B)')!
const UNION_22B = OFFICIAL_LORAS.find((lora) => lora.name === 'IC-LoRA: Union Control (2.3 22B)')!

test.describe('the LoRA library', () => {
  test.describe.configure({ mode: 'serial' })
  const mine = { name: marker('My dolly'), url: `https://example.com/${marker('lora')}.safetensors`, base: 'ltx-2-19b', kind: 'camera', scale: 0.7, trigger: 'dollyzoom' }

  test('a bad URL is refused on its field and nothing is stored; a good one is added', async ({ page, request }) => {
    const library = new LibraryPage(page)
    await library.goto()
    const before = (await libraryOf(request)).loras.length
    for (const url of ['http://127.0.0.1/x.safetensors', 'file:///etc/passwd', 'https://10.0.0.8/x.safetensors', 'https://user:pw@example.com/x.safetensors']) {
      await library.add({ ...mine, url })
      await expect(page.getByTestId('lora-error-url'), url).toBeVisible()
      await expect(library.form.getByLabel('URL', { exact: true })).toHaveAttribute('aria-invalid', 'true')
      await expect(library.form.getByRole('status')).toHaveText('Not added: check the field marked.')
      const after = await libraryOf(request)
      expect(after.loras.length, url).toBe(before)
      expect(after.loras.some((lora) => lora.url === url || lora.name === mine.name)).toBe(false)
    }
    await expect(library.card(mine.name)).toHaveCount(0)

    await library.add(mine)
    await expect(library.form.getByRole('status')).toHaveText(`Added “${mine.name}”.`)
    await expect(page.getByTestId('lora-error-url')).toHaveCount(0)
    await expect(library.card(mine.name)).toContainText('LTX-2 19B · scale 0.7 · yours')
    await expect(library.card(mine.name).getByTestId('lora-use-count')).toHaveText('No takes yet')
    const stored = (await libraryOf(request)).loras.filter((lora) => lora.url === mine.url)
    expect(stored).toEqual([expect.objectContaining({ name: mine.name, base: 'ltx-2-19b', kind: 'camera', recommendedScale: 0.7, official: false })])
    // Official LoRAs offer no delete.
    await expect(library.card(DOLLY_IN.name).getByRole('button', { name: /Delete/ })).toHaveCount(0)
  })

  test('on a 19B LoRA endpoint: pick a camera LoRA and the user’s own, a 22B one is flagged, and Run sends what the rows hold', async ({ page, request }) => {
    test.setTimeout(180_000)
    const tag = marker('lora-run')
    await tagPage(page, tag)
    const loras = new LoraList(page)
    await page.goto(`/models/${A2V_LORA.id}`)
    await page.getByRole('button', { name: 'Load example' }).click()
    await expect(loras.path(0)).not.toHaveValue('')
    await page.getByRole('button', { name: 'Remove LoRAs 1' }).click()
    await expect(loras.path(0)).toHaveCount(0)

    // An empty row is filled rather than a second one added.
    await page.getByRole('button', { name: 'Add to LoRAs' }).click()
    await loras.pick('dolly in', DOLLY_IN.name)
    await loras.expectRow(0, DOLLY_IN)
    await expect(loras.path(1)).toHaveCount(0)

    await loras.pick(mine.name, mine.name)
    await loras.expectRow(1, { url: mine.url, recommendedScale: mine.scale })
    // Its trigger words can go into the prompt, once.
    const prompt = page.getByLabel('Prompt', { exact: true })
    const typed = await prompt.inputValue()
    await loras.row(1).getByRole('button', { name: 'Add LoRAs 2\'s trigger words to the prompt' }).click()
    await expect(prompt).toHaveValue(`${mine.trigger} ${typed}`)
    await expect(loras.row(1).getByRole('button', { name: /trigger words/ })).toHaveCount(0)

    await loras.pick('union control', UNION_22B.name)
    await loras.expectRow(2, UNION_22B)
    await expect(loras.row(2).getByTestId('lora-base-warning')).toHaveText('Trained on LTX-2.3 22B; this endpoint runs LTX-2 19B')
    await expect(loras.row(0).getByTestId('lora-row-note')).toContainText(DOLLY_IN.name)
    await expect(page.getByTestId('lora-base-warning')).toHaveCount(1)
    expect(await seriousViolations(page), 'a flagged row').toEqual([])
    await page.getByRole('button', { name: 'Pick from library' }).click()
    await expect(page.getByTestId('lora-picker').getByRole('option').first()).toBeVisible()
    expect(await seriousViolations(page), 'the picker').toEqual([])
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('lora-picker')).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'Pick from library' })).toBeFocused()

    expect((await shownPayload(page)).loras).toEqual([
      expect.objectContaining({ path: DOLLY_IN.url }),
      { path: mine.url, scale: mine.scale },
      expect.objectContaining({ path: UNION_22B.url }),
    ])
    expect((await shownPayload(page)).prompt).toMatch(/^dollyzoom /)
    await page.getByRole('button', { name: 'Remove LoRAs 3' }).click()
    await expect(page.getByTestId('lora-base-warning')).toHaveCount(0)

    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(page).toHaveURL(/[?&]take=/, { timeout: 30_000 })
    const takeId = new URL(page.url()).searchParams.get('take')!
    const take = (await (await request.get(`/api/takes/${takeId}`)).json()) as TakeView
    expect(take.input.loras).toEqual([expect.objectContaining({ path: DOLLY_IN.url }), { path: mine.url, scale: mine.scale }])
    expect((await backendControl(request)).counters.submitsByTag[tag]).toBe(1)

    const library = new LibraryPage(page)
    await library.goto()
    await expect(library.card(mine.name).getByTestId('lora-use-count')).toHaveText('1 take')
    await expect(library.card(mine.name).getByRole('link', { name: new RegExp(`^Take ${takeId}`) })).toHaveAttribute('href', `/t/${takeId}`)
  })

  test('the take service refuses a LoRA path that is not a public https URL, and records nothing', async ({ page, request }) => {
    const tag = marker('lora-refused')
    const prompt = marker('lora-refused-prompt')
    for (const path of ['http://127.0.0.1/x.safetensors', 'file:///etc/passwd', 'https://169.254.169.254/latest']) {
      const response = await request.post('/api/fal/proxy', {
        headers: { 'x-fal-target-url': `https://queue.fal.run/${A2V_LORA.id}`, [TAG_HEADER]: tag },
        data: { prompt, audio_url: 'https://example.com/a.mp3', loras: [{ path, scale: 1 }] },
      })
      expect(response.status(), path).toBe(422)
      const body = (await response.json()) as { detail: { loc: unknown[]; msg: string }[] }
      expect(body.detail).toEqual([expect.objectContaining({ loc: ['body', 'loras'], msg: expect.stringMatching(/^LoRAs 1: path must/) })])
    }
    expect((await backendControl(request)).counters.submitsByTag[tag]).toBeUndefined()
    await page.goto(`/takes?q=${encodeURIComponent(prompt)}`)
    await expect(page.getByTestId('history-notice')).toContainText('No takes match these filters')
  })

  test('the user’s own LoRA can be deleted (after confirming); nothing serious for axe on /loras', async ({ page, request }) => {
    const library = new LibraryPage(page)
    await library.goto()
    expect(await seriousViolations(page)).toEqual([])

    await library.card(mine.name).getByRole('button', { name: `Delete ${mine.name}` }).click()
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Delete' }).click()
    await expect(library.card(mine.name)).toHaveCount(0)
    expect((await libraryOf(request)).loras.some((lora) => lora.url === mine.url)).toBe(false)
  })
})
