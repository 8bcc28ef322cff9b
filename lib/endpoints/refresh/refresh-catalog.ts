import 'server-only'
import { readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { markIntegers, parseExactJson, unmarkIntegers, type JsonPath } from '@/lib/json/exact-json'
import { FAL_PRICE_UNIT, PRICE_CURRENCY, priceFits, priceLine, pricingRuleOf, type PriceBook, type PricingSpec, type PublishedPrice } from '@/lib/pricing/rules'
import { compileSchema } from '@/lib/schema'
import { inputSchemaOf, outputSchemaOf, type OpenApiDocument } from '@/lib/schema/openapi'
import { asOpenApiDocument } from '../catalog'
import { LIFECYCLE_FILE, PRICES_FILE, openApiFileName } from '../data-files'
import type { Lifecycle, LifecycleNote } from '../lifecycle'
import { asLifecycle, asPriceBook } from './data-schemas'
import { canonical, describeDocumentChange } from './document-diff'
import { lookUpModel, lookUpPrices, PlatformError, type PlatformOptions, type ReadDocument } from './platform-client'

/**
 * The core of `npm run catalog:refresh`: asks fal's platform API for each endpoint's OpenAPI document
 * and price, rewrites the committed files in `dataDir` that differ, records endpoints fal no longer
 * lists (or lists as deprecated) in lifecycle.json, and says what changed. The network (`fetch`),
 * the directory and the day are given, so tests run it against the fal double in a temporary copy.
 */

export interface RefreshEndpoint {
  id: string
  /** How the endpoint is priced from prices.json; without one, its price is not refreshed. */
  pricingSpec?: PricingSpec
}

export interface RefreshOptions extends PlatformOptions {
  dataDir: string
  endpoints: readonly RefreshEndpoint[]
  /** Today, YYYY-MM-DD: when an endpoint was first seen unlisted or deprecated. */
  today: string
  /** Report only; write nothing. */
  dryRun?: boolean
}

export interface RefreshResult {
  /** The readable report, one line each. */
  lines: string[]
  /** The files of `dataDir` rewritten (or, on a dry run, that would be). */
  written: string[]
  /** What could not be refreshed and needs a person: the script exits non-zero when there is any. */
  problems: string[]
}

function readDocumentText(text: string): ReadDocument {
  return { exact: parseExactJson(text), plain: JSON.parse(text) as unknown }
}

function valueAt(value: unknown, at: JsonPath): unknown {
  let current = value
  for (const key of at) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string | number, unknown>)[key]
  }
  return current
}

/** The document as committed: two-space JSON, every integer digit for digit, a final newline. */
export function documentText(document: ReadDocument): string {
  const marked = markIntegers(document.exact, (at) => typeof valueAt(document.plain, at) === 'number')
  return `${unmarkIntegers(JSON.stringify(marked, null, 2))}\n`
}

function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}

/** Writes through a temporary file, so an interrupted run leaves the old file or the new one. */
async function writeWhole(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, text)
  await rename(temporary, file)
}

/** Throws when the studio could not run on this document: its input and output schemas must resolve and compile. */
function usableDocument(endpointId: string, plain: unknown): OpenApiDocument {
  const document = asOpenApiDocument(plain)
  compileSchema(inputSchemaOf(document, endpointId))
  outputSchemaOf(document, endpointId)
  return document
}

const samePrice = (a: PublishedPrice | undefined, b: PublishedPrice | undefined) =>
  a?.unit_price === b?.unit_price && a?.unit === b?.unit && a?.currency === b?.currency

function priceText(price: PublishedPrice): string {
  return `${price.currency === 'USD' ? '$' : `${price.currency} `}${price.unit_price} per ${price.unit}`
}

function ruleLine(endpointId: string, spec: PricingSpec, prices: PriceBook): string {
  try {
    return priceLine(pricingRuleOf(endpointId, spec, prices))
  } catch (error) {
    return `(no usable price: ${error instanceof Error ? error.message : String(error)})`
  }
}

function lifecycleLine(before: LifecycleNote | undefined, after: LifecycleNote | undefined): string | null {
  if (after?.status === 'unlisted') {
    return before?.status === 'unlisted'
      ? `! fal still does not list this endpoint (since ${after.noticed}): possibly retired`
      : `! fal no longer lists this endpoint: marked as possibly retired in ${LIFECYCLE_FILE}`
  }
  if (after?.status === 'deprecated') {
    return before?.status === 'deprecated'
      ? `! fal still lists this endpoint as deprecated (since ${after.noticed})`
      : `! fal lists this endpoint as deprecated: marked as possibly retired in ${LIFECYCLE_FILE}`
  }
  return before ? `~ fal lists this endpoint as active again: its possibly-retired mark is removed` : null
}

/** One run: what it reports per endpoint, what it wrote, what went wrong. */
class Run {
  readonly written: string[] = []
  readonly problems: string[] = []
  /** False once fal's platform API could not be reached: the endpoints were then not checked. */
  reached = true
  readonly reports: Map<string, string[]>

  constructor(readonly options: RefreshOptions) {
    this.reports = new Map(options.endpoints.map((endpoint) => [endpoint.id, []]))
  }

  report(endpointId: string, line: string) {
    this.reports.get(endpointId)?.push(line)
  }

  problem(endpointId: string, line: string) {
    this.report(endpointId, `✗ ${line}`)
    this.problems.push(`${endpointId}: ${line}`)
  }

  async write(file: string, text: string) {
    if (!this.options.dryRun) await writeWhole(path.join(this.options.dataDir, file), text)
    this.written.push(file)
  }

  read(file: string): Promise<string | null> {
    return readOptional(path.join(this.options.dataDir, file))
  }

  /** "rewrote x" or, on a dry run, "would rewrite x". */
  rewrote(file: string): string {
    return `→ ${this.options.dryRun ? 'would rewrite' : 'rewrote'} ${file}`
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** Rewrites the endpoint's document when fal's differs from the committed one, and says how. */
async function refreshDocument(run: Run, endpointId: string, fetched: ReadDocument): Promise<void> {
  const file = openApiFileName(endpointId)
  let after: OpenApiDocument
  try {
    after = usableDocument(endpointId, fetched.plain)
  } catch (error) {
    run.problem(endpointId, `fal's OpenAPI document is not one the studio can use (${messageOf(error)}); ${file} is kept`)
    return
  }
  const committedText = await run.read(file)
  const committed = committedText === null ? null : readDocumentText(committedText)
  if (committed && JSON.stringify(canonical(committed.exact)) === JSON.stringify(canonical(fetched.exact))) return
  let changes: string[]
  try {
    changes = committed ? describeDocumentChange(endpointId, asOpenApiDocument(committed.plain), after) : ['+ document (there was none)']
  } catch {
    changes = ['~ the document changed (the committed one could not be read as an OpenAPI document)']
  }
  for (const line of changes) run.report(endpointId, line)
  await run.write(file, documentText(fetched))
  run.report(endpointId, run.rewrote(file))
}

/**
 * Looks up every endpoint's listing and document; updates `lifecycle` in place. Stops, clearing
 * `run.reached`, when fal's platform API cannot be reached at all.
 */
async function refreshModels(run: Run, lifecycleBefore: Lifecycle, lifecycle: Record<string, LifecycleNote>): Promise<void> {
  const { endpoints, today } = run.options
  for (const { id } of endpoints) {
    let lookup
    try {
      lookup = await lookUpModel(run.options, id)
    } catch (error) {
      if (error instanceof PlatformError && error.status === undefined) {
        run.problem(id, `could not reach fal's platform API at ${run.options.baseUrl} (${error.message}): nothing was refreshed`)
        run.reached = false
        return
      }
      run.problem(id, `fal's model API failed: ${messageOf(error)}`)
      continue
    }
    const before = lifecycleBefore[id]
    if (!lookup.listed) lifecycle[id] = { status: 'unlisted', noticed: before?.status === 'unlisted' ? before.noticed : today }
    else if (lookup.status === 'deprecated') lifecycle[id] = { status: 'deprecated', noticed: before?.status === 'deprecated' ? before.noticed : today }
    else delete lifecycle[id]
    const line = lifecycleLine(before, lifecycle[id])
    if (line) run.report(id, line)
    if (!lookup.listed) continue
    if ('error' in lookup.document) run.problem(id, `${lookup.document.error}; the committed document is kept`)
    else await refreshDocument(run, id, lookup.document)
  }
}

/** Asks fal's prices of every priced endpoint (and of the endpoints they borrow from) and rewrites prices.json when one changed. */
async function refreshPrices(run: Run): Promise<void> {
  const priced = run.options.endpoints.flatMap(({ id, pricingSpec }) => (pricingSpec ? [{ id, spec: pricingSpec }] : []))
  if (priced.length === 0) return
  const pricesText = await run.read(PRICES_FILE)
  const pricesBefore = asPriceBook(JSON.parse(pricesText ?? '{}'))
  /** Each id whose price is asked: the kind of rule that bills with it, and the endpoint whose rule that is. */
  const asked = new Map<string, { kind: PricingSpec['kind']; endpointId: string }>()
  for (const { id, spec } of priced) {
    asked.set(id, { kind: spec.kind, endpointId: id })
    if (spec.borrowed && !asked.has(spec.borrowed.from)) asked.set(spec.borrowed.from, { kind: spec.kind, endpointId: id })
  }
  let published: PriceBook
  try {
    published = await lookUpPrices(run.options, [...asked.keys()])
  } catch (error) {
    for (const { id } of priced) run.problem(id, `fal's pricing API failed: ${messageOf(error)}; prices are kept`)
    return
  }
  const pricesAfter: Record<string, PublishedPrice> = { ...pricesBefore }
  for (const [id, { kind, endpointId }] of asked) {
    const price = published[id]
    const committed = pricesBefore[id]
    const whose = id === endpointId ? 'this endpoint' : `${id}, whose rate this endpoint borrows`
    if (!price) {
      if (committed) run.report(endpointId, `! fal answered no price for ${whose}; the committed ${priceText(committed)} is kept`)
      continue
    }
    if (samePrice(price, committed)) continue
    if (!priceFits(kind, price)) {
      run.problem(endpointId, `fal now prices ${whose} at ${priceText(price)}, but the rule bills ${PRICE_CURRENCY} per ${FAL_PRICE_UNIT[kind]}: not written; review the rule in lib/endpoints/index.ts`)
      continue
    }
    pricesAfter[id] = price
    run.report(endpointId, `~ fal's price for ${whose}: ${committed ? priceText(committed) : 'none'} → ${priceText(price)}`)
  }
  for (const { id, spec } of priced) {
    const before = ruleLine(id, spec, pricesBefore)
    const after = ruleLine(id, spec, pricesAfter)
    if (before !== after) run.report(id, `~ price: ${before} → ${after}`)
  }
  if (pricesText !== null && JSON.stringify(canonical(pricesAfter)) === JSON.stringify(canonical(pricesBefore))) return
  await run.write(PRICES_FILE, jsonText(pricesAfter))
}

export async function refreshCatalog(options: RefreshOptions): Promise<RefreshResult> {
  const run = new Run(options)
  const lifecycleBefore = asLifecycle(JSON.parse((await run.read(LIFECYCLE_FILE)) ?? '{}'))
  const lifecycle: Record<string, LifecycleNote> = { ...lifecycleBefore }
  await refreshModels(run, lifecycleBefore, lifecycle)
  if (run.reached) {
    await refreshPrices(run)
    const sorted = Object.fromEntries(Object.entries(lifecycle).sort(([a], [b]) => a.localeCompare(b)))
    if (JSON.stringify(canonical(sorted)) !== JSON.stringify(canonical(lifecycleBefore))) await run.write(LIFECYCLE_FILE, jsonText(sorted))
  }
  return { lines: summaryLines(run), written: run.written, problems: run.problems }
}

function summaryLines(run: Run): string[] {
  const lines: string[] = []
  let unchanged = 0
  for (const [id, endpointLines] of run.reports) {
    if (endpointLines.length === 0) unchanged += 1
    else lines.push(id, ...endpointLines.map((line) => `  ${line}`))
  }
  if (lines.length === 0) return [`No changes: the committed catalog matches fal's platform API (${run.reports.size} endpoints).`]
  if (unchanged > 0 && run.reached) lines.push(`${unchanged} endpoint${unchanged === 1 ? '' : 's'} unchanged.`)
  lines.push(run.written.length > 0 ? `${run.options.dryRun ? 'Would rewrite' : 'Rewrote'}: ${run.written.join(', ')}` : 'No file rewritten.')
  if (run.problems.length > 0) lines.push(`${run.problems.length} problem${run.problems.length === 1 ? ' needs' : 's need'} a person (marked ✗ above).`)
  return lines
}
