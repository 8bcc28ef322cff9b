import { expect, type Locator, type Page } from '@playwright/test'
import { readFileSync } from 'node:fs'
import type { FieldDescriptor, JsonValue } from '@/lib/schema'
import { FIXTURES, fixturePath, type FixtureKind } from '../fixtures/media'

export function fieldFrame(page: Page, path: string): Locator {
  return page.locator(`[data-field="${path}"]`)
}

export async function openAdditionalSettings(page: Page) {
  const details = page.locator('details', { has: page.locator('summary', { hasText: 'Additional settings' }) })
  if ((await details.count()) && !(await details.evaluate((el) => (el as HTMLDetailsElement).open))) {
    await details.locator('summary').click()
  }
}

/** Asserts that the control of a top-level field shows `value`, the way a user would read it. */
export async function expectFieldShows(page: Page, field: FieldDescriptor, value: JsonValue) {
  const control = page.getByLabel(field.label, { exact: true })
  switch (field.kind) {
    case 'text':
    case 'textarea':
    case 'media':
    case 'number':
      await expect(control).toHaveValue(String(value))
      break
    case 'select':
      await expect(control.locator('option:checked')).toHaveText(String(value))
      break
    case 'switch':
      await expect(control).toHaveAttribute('aria-checked', String(value))
      break
    case 'size':
      if (typeof value === 'string') {
        await expect(control).toHaveValue(value)
      } else {
        const size = value as Record<string, number>
        for (const key of Object.keys(size)) {
          await expect(page.getByLabel(`${field.label} ${key}`, { exact: true })).toHaveValue(String(size[key]))
        }
      }
      break
    case 'list': {
      const items = value as Record<string, JsonValue>[]
      await expect(fieldFrame(page, field.name).locator('fieldset')).toHaveCount(items.length)
      for (const [index, item] of items.entries()) {
        for (const itemField of field.itemFields) {
          const expected = item[itemField.name]
          if (expected === undefined) continue
          await expect(page.getByLabel(`${field.label} ${index + 1} ${itemField.label}`, { exact: true })).toHaveValue(
            String(expected),
          )
        }
      }
      break
    }
  }
}

/** Drops a generated media file on a media field's drop zone, as a drag from the desktop would. */
export async function dropFile(page: Page, path: string, kind: FixtureKind) {
  const { file, type } = FIXTURES[kind]
  const base64 = readFileSync(fixturePath(kind)).toString('base64')
  const dataTransfer = await page.evaluateHandle(
    ({ base64, file, type }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
      const transfer = new DataTransfer()
      transfer.items.add(new File([bytes], file, { type }))
      return transfer
    },
    { base64, file, type },
  )
  await page.getByTestId(`dropzone-${path}`).dispatchEvent('drop', { dataTransfer })
}
