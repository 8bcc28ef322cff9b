import { expect, test, type Page } from '@playwright/test'
import { randomBytes } from 'node:crypto'
import { catalog } from '@/lib/endpoints'
import { openAdditionalSettings } from './helpers'
import { fillRequired, shownPayload, tagPage } from './takes'

const V2V = catalog.find('fal-ai/ltx-2-19b/video-to-video')!
const uniqueName = (label: string) => `${label} ${randomBytes(4).toString('hex')}`

async function openPresets(page: Page) {
  await page.getByRole('button', { name: 'Presets', exact: true }).click()
  return page.getByRole('region', { name: 'Presets' })
}

const presetRow = (page: Page, name: string) => page.locator(`[data-testid="preset-row"][data-preset-name="${name}"]`)

async function saveAs(page: Page, name: string) {
  const panel = page.getByRole('region', { name: 'Presets' })
  await panel.getByLabel('Save current as…', { exact: true }).fill(name)
  await panel.getByRole('button', { name: 'Save', exact: true }).click()
}

test.beforeEach(async ({ page }, testInfo) => {
  await tagPage(page, `presets-${testInfo.testId}`)
  await page.goto(`/models/${V2V.id}`)
})

test('a preset saved, the page reloaded, the preset loaded: the form equals what was saved', async ({ page }) => {
  await fillRequired(page, V2V, 'a preset of a lighthouse')
  await openAdditionalSettings(page)
  await page.getByLabel('Match Video Length', { exact: true }).click()
  const frames = page.getByLabel('Number of Frames', { exact: true })
  await frames.fill('241')
  await frames.blur()
  await page.getByLabel('Video Size', { exact: true }).selectOption('square_hd')
  const saved = await shownPayload(page)
  expect(saved).toMatchObject({ prompt: 'a preset of a lighthouse', match_video_length: false, num_frames: 241, video_size: 'square_hd' })
  expect(saved.video_url).toEqual(expect.any(String))

  const name = uniqueName('Square, 241 frames')
  await openPresets(page)
  await saveAs(page, name)
  await expect(presetRow(page, name)).toBeVisible()
  await expect(page.getByRole('status').filter({ hasText: `Saved “${name}”.` })).toBeVisible()

  await page.reload()
  await page.getByRole('button', { name: 'Reset to defaults' }).click()
  expect(await shownPayload(page)).not.toEqual(saved)
  await openPresets(page)
  await presetRow(page, name).getByRole('button', { name: 'Load', exact: true }).click()
  await expect.poll(() => shownPayload(page)).toEqual(saved)
  // The controls show it too, not only the payload.
  await openAdditionalSettings(page)
  await expect(page.getByLabel('Number of Frames', { exact: true })).toHaveValue('241')
  await expect(page.getByLabel('Video Size', { exact: true })).toHaveValue('square_hd')
})

test('a duplicate name is refused on the name field; rename and delete last across reloads', async ({ page }) => {
  await page.getByLabel('Prompt', { exact: true }).fill('a night street')
  const first = uniqueName('Night')
  const second = uniqueName('Evening')
  await openPresets(page)
  await saveAs(page, first)
  await expect(presetRow(page, first)).toBeVisible()

  // The same name again: refused, and said on the name field.
  await saveAs(page, first)
  const nameField = page.getByLabel('Save current as…', { exact: true })
  await expect(nameField).toHaveAttribute('aria-invalid', 'true')
  await expect(nameField).toHaveAccessibleDescription(`A preset named “${first}” already exists for this endpoint.`)
  await expect(page.getByTestId('preset-row').filter({ hasText: first })).toHaveCount(1)
  // Editing the name clears the error.
  await nameField.fill(`${first} (2)`)
  await expect(nameField).toHaveAttribute('aria-invalid', 'false')

  // Rename inline.
  await presetRow(page, first).getByRole('button', { name: 'Rename', exact: true }).click()
  const renameField = page.getByLabel(`New name for ${first}`, { exact: true })
  await renameField.fill(second)
  await renameField.press('Enter')
  await expect(presetRow(page, second)).toBeVisible()
  await expect(presetRow(page, first)).toHaveCount(0)
  // Enter in the rename field did not submit the playground's form (no take started).
  await expect(page.getByTestId('take-status')).toHaveCount(0)

  await page.reload()
  await openPresets(page)
  await expect(presetRow(page, second)).toBeVisible()
  await expect(presetRow(page, first)).toHaveCount(0)

  // Delete asks first (a modal question); keeping it keeps it, and the focus goes back to Delete.
  const deleteButton = presetRow(page, second).getByRole('button', { name: 'Delete', exact: true })
  await deleteButton.click()
  const question = page.getByRole('alertdialog', { name: `Delete the preset “${second}”?` })
  await question.getByRole('button', { name: 'Keep', exact: true }).click()
  await expect(question).toHaveCount(0)
  await expect(deleteButton).toBeFocused()
  await expect(presetRow(page, second)).toBeVisible()
  await deleteButton.click()
  await page.keyboard.press('Escape')
  await expect(question).toHaveCount(0)
  await expect(presetRow(page, second)).toBeVisible()
  await deleteButton.click()
  await question.getByRole('button', { name: 'Delete preset', exact: true }).click()
  await expect(presetRow(page, second)).toHaveCount(0)

  await page.reload()
  const panel = await openPresets(page)
  await expect(panel.getByText('Loading presets…')).toHaveCount(0)
  await expect(presetRow(page, second)).toHaveCount(0)
})
