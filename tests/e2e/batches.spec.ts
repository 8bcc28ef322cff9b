import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import Papa from 'papaparse'
import { formatUsd } from '@/lib/pricing/estimate'
import type { SweepView } from '@/lib/sweeps/sweep-view'
import { backendControl } from './backend'
import { withStudio } from './server'
import { marker, submitTake, uploadClip, V2V } from './submit'
import { expectedEstimate, fillRequired, shownPayload } from './takes'

// Each test runs a studio of its own (ports E2E_PORT + 1 and + 2), so the simulator's counters are its alone:
// "nothing was submitted" and "at most 2 at a time" are read from the backend itself.
const BASE_PORT = Number(process.env.E2E_PORT ?? 3100)
const STUDIO_ENV = { TAKES_BACKEND: 'local', TAKES_LOCAL_CONTROL: '1', TAKES_FOLLOW_POLL_MS: '250' }
const UNFINISHED = new Set(['IN_QUEUE', 'IN_PROGRESS'])

async function batchOf(api: APIRequestContext, id: string): Promise<SweepView> {
  const response = await api.get(`/api/sweeps/${id}`)
  expect(response.status()).toBe(200)
  return (await response.json()) as SweepView
}

/** Follows the batch to its end; the most takes ever seen in flight at once, by the batch's statuses and by the simulator's own count. */
async function followBatch(api: APIRequestContext, id: string): Promise<{ batch: SweepView; mostInFlight: number }> {
  const deadline = Date.now() + 150_000
  let mostInFlight = 0
  for (;;) {
    const batch = await batchOf(api, id)
    const inFlight = batch.cells.filter((cell) => cell.take && UNFINISHED.has(cell.take.status)).length
    mostInFlight = Math.max(mostInFlight, inFlight)
    if (batch.status !== 'RUNNING' && inFlight === 0) return { batch, mostInFlight }
    if (Date.now() > deadline) throw new Error(`batch ${id} is still running`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function openBatchPanel(page: Page) {
  await page.getByRole('button', { name: 'Batch', exact: true }).click()
  const panel = page.getByRole('region', { name: 'Batch' })
  await expect(panel).toBeVisible()
  return panel
}

const csvOf = (rows: [string, number][]) => ['prompt,guidance_scale', ...rows.map(([prompt, guidance]) => `"${prompt}",${guidance}`)].join('\n') + '\n'

test('a batch of 5 from a CSV: a bad row is refused in the panel by line and field with nothing submitted; fixed, 5 takes run at most 2 at a time and "Download all" holds 5 mp4s and their parameters', async ({ page }, testInfo) => {
  test.setTimeout(300_000)
  await withStudio(BASE_PORT + 1, { ...STUDIO_ENV, TAKES_LOCAL_CONCURRENCY: '2', TAKES_LOCAL_RENDER_MS: '1000' }, testInfo, async (studio, api) => {
    const m = marker('batch')
    await page.goto(`${studio.url}/models/${V2V.id}`)
    await fillRequired(page, V2V, `${m} the form's prompt`)
    const base = await shownPayload(page)
    const rows: [string, number][] = [
      [`${m} a kite, at dusk`, 3],
      [`${m} a lighthouse`, 4],
      [`${m} rain on glass`, 20],
      [`${m} a harbour`, 5],
      [`${m} a fox`, 2.5],
    ]

    const panel = await openBatchPanel(page)
    await expect(panel.getByLabel('Pin prompt expansion off')).toBeChecked()
    await expect(panel.getByTestId('expansion-note')).toContainText('This model expands (rewrites) prompts by default')
    await panel.getByLabel('A CSV file').check()
    const upload = panel.getByLabel(/^CSV file/)
    await upload.setInputFiles({ name: 'batch.csv', mimeType: 'text/csv', buffer: Buffer.from(csvOf(rows)) })
    // The third row is the CSV's line 4 (the header is line 1): named with its field, before anything runs.
    const problems = panel.getByTestId('batch-problems').getByRole('listitem')
    await expect(problems).toHaveText(['Line 4, Guidance Scale: “20” is above the maximum 10'])
    await expect(problems.first()).toHaveAttribute('data-line', '4')
    await expect(panel.getByTestId('batch-take-count')).toHaveCount(0)
    await panel.getByRole('button', { name: 'Run batch' }).click()
    await expect(panel.getByTestId('batch-error')).toHaveText('Fix the lines named above first: nothing has run')
    // The server refuses the same row too, whole: nothing recorded, nothing submitted.
    const refused = await api.post('/api/batches', {
      data: { endpointId: V2V.id, input: base, rows: rows.map(([prompt, guidance], at) => ({ line: at + 2, values: { prompt, guidance_scale: guidance } })), concurrency: 2 },
    })
    expect(refused.status()).toBe(400)
    expect((await refused.json()) as { detail: string; field: string }).toEqual(expect.objectContaining({ detail: 'Line 4, guidance_scale: “20” is above the maximum 10', field: 'guidance_scale' }))
    await expect(page).toHaveURL(new RegExp(`/models/${V2V.id}$`))
    expect((await backendControl(api)).counters.submits).toBe(0)

    // Fixed: 5 takes, their total estimate from lib/pricing (expansion pinned off in each).
    rows[2]![1] = 6
    await upload.setInputFiles({ name: 'batch.csv', mimeType: 'text/csv', buffer: Buffer.from(csvOf(rows)) })
    await expect(panel.getByTestId('batch-problems')).toHaveCount(0)
    const inputs = rows.map(([prompt, guidance]) => ({ ...base, enable_prompt_expansion: false, prompt, guidance_scale: guidance }))
    const total = inputs.reduce((sum, input) => sum + expectedEstimate(V2V, input).amount, 0)
    await expect(panel.getByTestId('batch-take-count')).toHaveText('5 takes')
    await expect(panel.getByTestId('batch-total-estimate')).toHaveText(formatUsd(total))
    await expect(panel.getByLabel('At a time')).toHaveValue('2')
    await panel.getByRole('button', { name: 'Run batch' }).click()
    await expect(page).toHaveURL(/\/batches\/[A-Za-z0-9_-]{22}$/)
    const id = new URL(page.url()).pathname.split('/').pop()!

    const { batch, mostInFlight } = await followBatch(api, id)
    expect(mostInFlight).toBeLessThanOrEqual(2)
    expect(batch).toMatchObject({ kind: 'batch', status: 'DONE', concurrency: 2 })
    const { counters } = await backendControl(api)
    expect(counters.submits).toBe(5)
    expect(batch.cells.map((cell) => cell.take?.status)).toEqual(Array(5).fill('COMPLETED'))
    expect(batch.cells.map((cell) => cell.take?.input)).toEqual(inputs.map((input, at) => ({ ...input, seed: batch.cells[at]!.take!.input.seed })))

    // The page: every row with its values and a player, and "Download all".
    await expect(page.getByTestId('sweep-status')).toHaveText('Done', { timeout: 30_000 })
    await expect(page.getByTestId('batch-row')).toHaveCount(5)
    await expect(page.getByTestId('batch-row').nth(2)).toContainText(`Row 3 Prompt = ${rows[2]![0]}, Guidance Scale = 6`)
    await expect(page.getByTestId('sweep-video')).toHaveCount(5, { timeout: 30_000 })
    const download = page.getByRole('link', { name: 'Download all' })
    await expect(download).toHaveAttribute('href', `/api/sweeps/${id}/download`)

    const zipResponse = await api.get(`/api/sweeps/${id}/download`)
    expect(zipResponse.status()).toBe(200)
    expect(zipResponse.headers()['content-type']).toBe('application/zip')
    const files = unzipSync(new Uint8Array(await zipResponse.body()))
    const videos = Object.keys(files).filter((name) => name.endsWith('.mp4')).sort()
    expect(videos).toEqual(batch.cells.map((cell) => `row-${cell.index + 1}-${cell.take!.id}.mp4`))
    const dir = mkdtempSync(path.join(tmpdir(), 'takes-batch-zip-'))
    try {
      for (const name of videos) {
        const file = path.join(dir, name)
        writeFileSync(file, files[name]!)
        const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name,duration', '-of', 'json', file]).toString()) as { format: { format_name: string; duration: string } }
        expect(probe.format.format_name).toContain('mp4')
        expect(Number(probe.format.duration)).toBeGreaterThan(0)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    const csv = Papa.parse<Record<string, string>>(strFromU8(files['parameters.csv']!), { header: true, skipEmptyLines: true })
    expect(csv.data).toHaveLength(5)
    expect(csv.data.map((row) => [row.row, row.take_id, row.status, row.prompt, row.guidance_scale, row.enable_prompt_expansion])).toEqual(
      batch.cells.map((cell) => [String(cell.index + 1), cell.take!.id, 'COMPLETED', rows[cell.index]![0], String(rows[cell.index]![1]), 'false']),
    )
  })
})

test('Stop batch while its takes wait in the backend queue cancels them there, and the page shows them cancelled and what stopping saved', async ({ page }, testInfo) => {
  test.setTimeout(180_000)
  await withStudio(BASE_PORT + 2, { ...STUDIO_ENV, TAKES_LOCAL_CONCURRENCY: '1', TAKES_LOCAL_RENDER_MS: '1000' }, testInfo, async (studio, api) => {
    // A take outside the batch runs until the end of the test, so the batch's takes wait in the simulator's queue.
    const blockerTag = marker('batch-blocker')
    await backendControl(api, { tag: blockerTag, faults: { slowRunsMs: 120_000 } })
    const clip = await uploadClip(studio.url)
    await submitTake(api, V2V.id, { prompt: `${blockerTag} blocker`, video_url: clip }, blockerTag)

    const m = marker('batch-stop')
    const input = { prompt: `${m} base`, video_url: clip }
    const rows = Array.from({ length: 5 }, (_, at) => ({ line: at + 1, values: { prompt: `${m} shot ${at + 1}` } }))
    const created = await api.post('/api/batches', { data: { endpointId: V2V.id, input, rows, concurrency: 2, pinExpansionOff: true } })
    expect(created.status(), await created.text()).toBe(201)
    const { id, url, count } = (await created.json()) as { id: string; url: string; count: number }
    expect([url, count]).toEqual([`/batches/${id}`, 5])

    await page.goto(`${studio.url}${url}`)
    const row = (index: number) => page.locator(`[data-testid="batch-row"][data-index="${index}"] [data-testid="sweep-cell"]`)
    await expect(row(0)).toHaveAttribute('data-status', 'IN_QUEUE', { timeout: 20_000 })
    await expect(row(1)).toHaveAttribute('data-status', 'IN_QUEUE')
    for (let index = 2; index < 5; index++) await expect(row(index)).toHaveAttribute('data-status', 'WAITING')
    const counted = async () => {
      const { counters } = await backendControl(api)
      return [counters.submits, counters.cancelCalls, counters.cancelled]
    }
    await expect.poll(counted, { timeout: 20_000 }).toEqual([3, 0, 0])

    await page.getByRole('button', { name: 'Stop batch' }).click()
    await expect(page.getByTestId('sweep-status')).toHaveText('Stopped')
    for (const index of [0, 1]) await expect(row(index)).toHaveAttribute('data-status', 'CANCELLED', { timeout: 20_000 })
    for (let index = 2; index < 5; index++) await expect(row(index)).toHaveAttribute('data-status', 'SKIPPED')
    const saved = rows.reduce((sum, { values }) => sum + expectedEstimate(V2V, { ...input, ...values, enable_prompt_expansion: false }).amount, 0)
    await expect(page.getByTestId('sweep-saved')).toHaveText(`Stopping saved about ${formatUsd(saved)}: 3 not submitted, 2 cancelled.`)
    await expect(page.getByRole('button', { name: 'Stop batch' })).toHaveCount(0)
    // The backend cancelled both queued takes and was asked for nothing more.
    expect(await counted()).toEqual([3, 2, 2])
  })
})
