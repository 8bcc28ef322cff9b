import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test'
import type { LoraLibrary, LoraView } from '@/lib/loras/lora-view'

// Page objects for the LoRA library: the /loras page and a playground's LoRA list.

/** The library as the API answers it (optionally with an endpoint's base). */
export async function libraryOf(request: APIRequestContext, endpointId?: string): Promise<LoraLibrary> {
  const response = await request.get(endpointId ? `/api/loras?endpoint=${encodeURIComponent(endpointId)}` : '/api/loras')
  expect(response.status()).toBe(200)
  return (await response.json()) as LoraLibrary
}

export class LibraryPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto('/loras')
    await expect(this.page.getByRole('heading', { level: 1, name: 'LoRAs' })).toBeVisible()
  }

  get form(): Locator {
    return this.page.getByRole('region', { name: 'Add a LoRA by URL' })
  }

  /** Fills the add form and submits it. */
  async add(lora: { name: string; url: string; base?: string; kind?: string; scale?: number; trigger?: string }) {
    const form = this.form
    await form.getByLabel('Name', { exact: true }).fill(lora.name)
    await form.getByLabel('URL', { exact: true }).fill(lora.url)
    if (lora.base) await form.getByLabel('Trained on').selectOption(lora.base)
    if (lora.kind) await form.getByLabel('Kind').selectOption(lora.kind)
    if (lora.scale !== undefined) await form.getByLabel('Recommended scale').fill(String(lora.scale))
    if (lora.trigger) await form.getByLabel('Trigger words (optional)').fill(lora.trigger)
    await form.getByRole('button', { name: 'Add LoRA' }).click()
  }

  card(name: string): Locator {
    return this.page.getByTestId('lora-card').filter({ has: this.page.getByRole('heading', { level: 3, name, exact: true }) })
  }
}

export class LoraList {
  constructor(
    readonly page: Page,
    readonly label = 'LoRAs',
  ) {}

  row(index: number): Locator {
    return this.page.locator('fieldset').filter({ has: this.page.getByText(`${this.label} ${index + 1}`, { exact: true }) })
  }

  path(index: number): Locator {
    return this.page.getByLabel(`${this.label} ${index + 1} Path`, { exact: true })
  }

  scale(index: number): Locator {
    return this.page.getByLabel(`${this.label} ${index + 1} Scale`, { exact: true })
  }

  /** Opens the library picker, searches, and picks the LoRA named `name`. */
  async pick(search: string, name: string) {
    await this.page.getByRole('button', { name: 'Pick from library' }).click()
    const picker = this.page.getByTestId('lora-picker')
    await expect(picker).toBeVisible()
    await picker.getByRole('combobox').fill(search)
    await picker.getByRole('option').filter({ hasText: name }).first().click()
    await expect(picker).toHaveCount(0)
  }

  async expectRow(index: number, lora: Pick<LoraView, 'url' | 'recommendedScale'>) {
    await expect(this.path(index)).toHaveValue(lora.url)
    await expect(this.scale(index)).toHaveValue(String(lora.recommendedScale))
  }
}
