import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { expandPrompt } from '@/lib/local-fal/prompt-expansion'
import { openAdditionalSettings } from './helpers'
import { finishedTake, marker, V2V } from './submit'
import { fillRequired, tagPage } from './takes'

// Prompt truth: fal's endpoints expand the prompt (on by default) and report the prompt they used.
// The result shows both with the differences marked, "Use this prompt" puts the used one in the
// form, and history search finds a take by either prompt.

const cardOf = (page: Page, id: string) => page.locator(`[data-testid="take-card"][data-take-id="${id}"]`)

/** What a sighted reader sees of a marked prompt: its text without the screen-reader labels. */
function visibleText(prompt: Locator): Promise<string> {
  return prompt.evaluate((element) => {
    const copy = element.cloneNode(true) as HTMLElement
    for (const label of copy.querySelectorAll('.sr-only')) label.remove()
    return copy.textContent ?? ''
  })
}

/** axe's serious and critical findings inside the comparison. */
async function seriousViolationsIn(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).include('[data-testid="prompt-truth"]').analyze()
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id}: ${violation.help}`)
}

/** Runs the form as filled and waits for the take to complete; its id. */
async function runToCompletion(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  await expect(page.getByTestId('take-status')).toHaveText('Completed', { timeout: 60_000 })
  await expect(page.getByTestId('result-video')).toBeVisible()
  const id = new URL(page.url()).searchParams.get('take')
  expect(id).toBeTruthy()
  return id!
}

/** Asserts both prompts are shown, the reworded word struck on the typed side and the additions marked on the used side. */
async function expectMarkedComparison(scope: Locator, typed: string, used: string) {
  await expect(scope).toBeVisible()
  const typedSide = scope.getByTestId('prompt-typed')
  const usedSide = scope.getByTestId('prompt-used')
  await expect.poll(() => visibleText(typedSide)).toBe(typed)
  await expect.poll(() => visibleText(usedSide)).toBe(used)
  // "walks" became "strolls": removed on one side, added on the other, each said in words, not colour alone.
  await expect(typedSide.locator('del')).toHaveText([/^\[removed: walks\s*\]$/])
  await expect(usedSide.locator('ins').first()).toHaveText(/^\[added: strolls\s*\]$/)
  expect(await usedSide.locator('ins').count()).toBeGreaterThan(1)
  await expect(scope.getByTestId('prompt-truth-summary')).toContainText('1 removal')
  expect(await seriousViolationsIn(scope.page())).toEqual([])
}

test('an expanded prompt: the result shows both prompts and the marked difference, "Use this prompt" fills the form, and history finds the take by the used prompt', async ({ page, request }, testInfo) => {
  test.setTimeout(150_000)
  await tagPage(page, `prompt-truth-${testInfo.testId}`)
  const typed = `${marker('truth')} a fox walks through fresh snow`
  const used = expandPrompt(typed)
  await page.goto(`/models/${V2V.id}`)
  await fillRequired(page, V2V, typed)
  const id = await runToCompletion(page)

  const take = await finishedTake(request, id)
  expect(take.input.prompt).toBe(typed)
  expect(take.output?.prompt).toBe(used)

  // On the playground.
  await expectMarkedComparison(page.getByTestId('result-stage').getByTestId('prompt-truth'), typed, used)
  await page.getByTestId('result-stage').screenshot({ path: testInfo.outputPath('playground-result.png') })
  const promptField = page.getByLabel('Prompt', { exact: true })
  await expect(promptField).toHaveValue(typed)
  await page.getByTestId('result-stage').getByRole('button', { name: 'Use this prompt' }).click()
  await expect(promptField).toHaveValue(used)
  await expect(promptField).toBeFocused()

  // On the take's page: its link opens the playground with the take remixed and the used prompt.
  await page.goto(`/t/${id}`)
  await expect(page.getByTestId('take-prompt')).toHaveText(typed)
  await expectMarkedComparison(page.getByTestId('prompt-truth'), typed, used)
  await page.getByRole('link', { name: 'Use this prompt' }).click()
  await expect(page).toHaveURL(new RegExp(`/models/${V2V.id}\\?remix=${id}&prompt=used$`))
  await expect(page.getByLabel('Prompt', { exact: true })).toHaveValue(used)

  // Its share page shows the comparison too, with nothing to use it in.
  const { sharePath } = (await (await request.put(`/api/takes/${id}/share`)).json()) as { sharePath: string }
  await page.goto(sharePath)
  await expectMarkedComparison(page.getByTestId('prompt-truth'), typed, used)
  await expect(page.getByRole('link', { name: 'Use this prompt' })).toHaveCount(0)
  await page.screenshot({ path: testInfo.outputPath('share-page.png'), fullPage: true })

  // History search: a sentence only the used prompt has finds the take; the typed prompt still does.
  const onlyUsed = used.split('. ')[1]!
  expect(typed).not.toContain(onlyUsed)
  await page.goto(`/takes?q=${encodeURIComponent(onlyUsed)}`)
  await expect(cardOf(page, id)).toBeVisible()
  await expect(cardOf(page, id).getByTestId('take-prompt')).toHaveText(typed)
  await page.goto(`/takes?q=${encodeURIComponent(typed)}`)
  await expect(cardOf(page, id)).toBeVisible()
})

test('with prompt expansion off the output states the typed prompt and no comparison is shown', async ({ page, request }, testInfo) => {
  test.setTimeout(150_000)
  await tagPage(page, `prompt-truth-${testInfo.testId}`)
  const typed = `${marker('truth-off')} a fox walks through fresh snow`
  await page.goto(`/models/${V2V.id}`)
  await fillRequired(page, V2V, typed)
  await openAdditionalSettings(page)
  const expansion = page.getByRole('switch', { name: 'Enable Prompt Expansion' })
  await expect(expansion).toHaveAttribute('aria-checked', 'true')
  await expansion.click()
  await expect(expansion).toHaveAttribute('aria-checked', 'false')
  const id = await runToCompletion(page)

  const take = await finishedTake(request, id)
  expect(take.input.enable_prompt_expansion).toBe(false)
  expect(take.output?.prompt).toBe(typed)

  // The result is drawn (its facts state the seed), without a comparison or "Use this prompt".
  await expect(page.getByTestId('result-facts')).toContainText('Seed')
  await expect(page.getByTestId('prompt-truth')).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Use this prompt' })).toHaveCount(0)

  await page.goto(`/t/${id}`)
  await expect(page.getByTestId('take-prompt')).toHaveText(typed)
  await expect(page.getByTestId('share-video')).toBeVisible()
  await expect(page.getByTestId('prompt-truth')).toHaveCount(0)
  await expect(page.getByRole('link', { name: 'Use this prompt' })).toHaveCount(0)

  // Search finds it by what was typed, and not by what an expansion would have added.
  await page.goto(`/takes?q=${encodeURIComponent(typed)}`)
  await expect(cardOf(page, id)).toBeVisible()
  await page.goto(`/takes?q=${encodeURIComponent(expandPrompt(typed).split('. ')[1]!)}`)
  await expect(page.getByRole('heading', { name: 'History' })).toBeVisible()
  await expect(cardOf(page, id)).toHaveCount(0)
})
