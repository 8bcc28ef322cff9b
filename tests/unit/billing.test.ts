import { createElement, type ReactElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { catalog } from '@/lib/endpoints'
import { billedAboveEstimate, billedTake, NO_BILL, parseBillableUnits, settledBill, unitsBreakdown } from '@/lib/pricing'
import { describeForm } from '@/lib/schema'
import { takeViewOf, type TakeRecord, type TakeView } from '@/lib/takes/take-view'
import { SimulatedAmounts } from '@/components/takes/simulated-amounts'
import { TakeCostFacts, TakeCostSummary } from '@/components/takes/take-cost'

// Billed is what fal bills: fal's x-fal-billable-units × the endpoint's rate when fal states them,
// else an estimate from the output; the estimate beside it, a bill above it flagged, and every
// amount labelled "simulated" in local mode.

const V2V = catalog.find('fal-ai/ltx-2-19b/video-to-video')!
const PRO = catalog.find('fal-ai/ltx-2/image-to-video')!
const OUTPUT = { video: { url: 'https://v3.fal.media/files/x/out.mp4', width: 1280, height: 720, num_frames: 121 } }
const PRO_OUTPUT = { video: { url: 'https://v3.fal.media/files/x/out.mp4', width: 2560, height: 1440, duration: 6 } }

describe('parseBillableUnits', () => {
  it('reads the header as a number of units', () => {
    expect(parseBillableUnits('112')).toBe(112)
    expect(parseBillableUnits(' 6.5 ')).toBe(6.5)
    expect(parseBillableUnits('0')).toBe(0)
  })

  it('trusts no header that is absent, empty, negative or not a finite number', () => {
    for (const value of [null, undefined, '', '  ', 'abc', '-1', 'Infinity', 'NaN', '12 MP']) expect(parseBillableUnits(value), String(value)).toBeNull()
  })
})

describe('settledBill', () => {
  it('bills fal’s units × the per-megapixel rate, whatever the output would give', () => {
    expect(settledBill(V2V, { input: {}, output: OUTPUT, billableUnits: 112 })).toEqual({ billedUsd: 0.2016, billableUnits: 112, billedUnit: 'megapixel', billedRateUsd: 0.0018 })
    // The output alone says 112 MP; fal's word is the bill.
    expect(settledBill(V2V, { input: {}, output: OUTPUT, billableUnits: 150 }).billedUsd).toBe(0.27)
  })

  it('bills fal’s seconds at the rate of the resolution the input chose, or its default', () => {
    const defaults = describeForm(PRO.input).defaults
    expect(settledBill(PRO, { input: { resolution: '1440p' }, output: PRO_OUTPUT, billableUnits: 6 }, defaults)).toEqual({ billedUsd: 0.72, billableUnits: 6, billedUnit: 'second', billedRateUsd: 0.12 })
    // Left out: the schema's default (1080p), not the output's size.
    expect(settledBill(PRO, { input: {}, output: PRO_OUTPUT, billableUnits: 6 }, defaults)).toMatchObject({ billedUsd: 0.36, billedRateUsd: 0.06 })
  })

  it('without fal’s units, is the output at the rate (an estimate), and says no units', () => {
    expect(settledBill(V2V, { input: {}, output: OUTPUT, billableUnits: null })).toEqual({ ...NO_BILL, billedUsd: billedTake(V2V, OUTPUT)!.amount })
    expect(settledBill(V2V, { input: {}, output: { video: { url: 'u' } }, billableUnits: null })).toEqual(NO_BILL)
  })

  it('bills a failed run only what fal says it bills', () => {
    expect(settledBill(V2V, { input: {}, billableUnits: null })).toEqual(NO_BILL)
    expect(settledBill(V2V, { input: {}, billableUnits: 0 })).toEqual({ billedUsd: 0, billableUnits: 0, billedUnit: 'megapixel', billedRateUsd: 0.0018 })
  })

  it('keeps fal’s units only with a rate to bill them at', () => {
    // A per-second endpoint with no resolution anywhere: no rate, so the output's amount, if any.
    expect(settledBill(PRO, { input: {}, billableUnits: 6 })).toEqual(NO_BILL)
  })
})

describe('the bill’s words', () => {
  it('states the units, the rate and the amount', () => {
    expect(unitsBreakdown(112, 'megapixel', 0.0018, 0.2016)).toBe('112 MP × $0.0018 = $0.2016')
    expect(unitsBreakdown(6, 'second', 0.06, 0.36)).toBe('6 s × $0.06/s = $0.3600')
    expect(unitsBreakdown(111.5, 'megapixel', 0.001605, 111.5 * 0.001605)).toBe('111.5 MP × $0.001605 = $0.1790')
  })

  it('flags a bill above its estimate, and nothing within rounding', () => {
    expect(billedAboveEstimate(0.2017, 0.2016)).toBe(true)
    expect(billedAboveEstimate(0.2016, 0.2016)).toBe(false)
    expect(billedAboveEstimate(112 * 0.0018, 0.2016)).toBe(false)
    expect(billedAboveEstimate(0.1, 0.2016)).toBe(false)
    expect(billedAboveEstimate(null, 0.2016)).toBe(false)
    expect(billedAboveEstimate(0.5, null)).toBe(false)
  })
})

function record(patch: Partial<TakeRecord> = {}): TakeRecord {
  const now = new Date()
  return {
    id: 'take-1', endpointId: V2V.id, input: { prompt: 'x' }, falRequestId: 'req', status: 'COMPLETED', queuePosition: null, logs: [], output: OUTPUT,
    error: null, estimateUsd: 0.2016, billedUsd: null, inferenceTime: null, createdAt: now, startedAt: now, completedAt: now, shareToken: null, sweepId: null,
    videoKey: null, posterKey: null, copyStatus: null, copyError: null, cancelRequestedAt: null, followMode: null, ...patch,
  }
}
const fromFal = (billedUsd: number, units: number) => record({ billedUsd, billableUnits: units, billedUnit: 'megapixel', billedRateUsd: 0.0018 })

describe('a take’s view of its bill', () => {
  it('says how the bill was reached', () => {
    expect(takeViewOf(fromFal(0.2016, 112))).toMatchObject({ billedUsd: 0.2016, billing: { basis: 'fal', units: 112, unit: 'megapixel', rateUsd: 0.0018 }, billedAboveEstimate: false })
    expect(takeViewOf(record({ billedUsd: 0.2016 }))).toMatchObject({ billing: { basis: 'output' }, billedAboveEstimate: false })
    expect(takeViewOf(record({ status: 'IN_PROGRESS', output: null }))).toMatchObject({ billedUsd: null, billing: null, billedAboveEstimate: false })
  })

  it('flags a take billed above its estimate, in the shared view too', () => {
    expect(takeViewOf(fromFal(0.2034, 113)).billedAboveEstimate).toBe(true)
    expect(takeViewOf(fromFal(0.2034, 113), { token: 't' }).billedAboveEstimate).toBe(true)
  })
})

/** What a page shows of `view`, as text (tags gone, one space between words). */
function shown(element: ReactElement, simulated: boolean): string {
  const html = renderToStaticMarkup(createElement(SimulatedAmounts, { simulated }, element))
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()
}
const card = (view: TakeView, simulated = false) => shown(createElement(TakeCostSummary, { take: view }), simulated)
const page = (view: TakeView, simulated = false) => shown(createElement(TakeCostFacts, { take: view }), simulated)

describe('the cost on a history card and on a take’s page', () => {
  it('shows the estimate beside what fal billed, with fal’s units', () => {
    const view = takeViewOf(fromFal(0.198, 110))
    expect(card(view)).toBe('Estimate $0.2016 Billed $0.1980 fal billed 110 MP')
    expect(page(view)).toBe('Cost Estimated $0.2016 Billed $0.1980 fal billed 110 MP × $0.0018 = $0.1980.')
  })

  it('names a bill computed from the output an estimate', () => {
    const view = takeViewOf(record({ billedUsd: 0.2016 }))
    expect(card(view)).toBe('Estimate $0.2016 Billed $0.2016 estimated from the output')
    expect(page(view)).toContain('Estimated from the output: fal stated no billable units for this take')
  })

  it('flags a bill above its estimate in words, on both', () => {
    const view = takeViewOf(fromFal(0.2034, 113))
    expect(card(view)).toBe('Estimate $0.2016 Billed $0.2034 Above estimate fal billed 113 MP')
    expect(page(view)).toContain('Billed above estimate by $0.0018: the estimate failed as an upper bound')
    expect(card(takeViewOf(fromFal(0.2016, 112)))).not.toContain('Above estimate')
  })

  it('labels every amount "simulated" in local mode, and none otherwise', () => {
    const view = takeViewOf(fromFal(0.2016, 112))
    expect(card(view, true)).toBe('Estimate $0.2016 Billed $0.2016 simulated fal billed 112 MP')
    expect(page(view, true)).toMatch(/^Cost simulated Estimated/)
    const running = takeViewOf(record({ status: 'IN_QUEUE', output: null }))
    expect(card(running, true)).toBe('Estimate $0.2016 Billed — simulated')
    expect(card(running, false)).not.toContain('simulated')
    expect(page(view, false)).not.toContain('simulated')
  })
})
