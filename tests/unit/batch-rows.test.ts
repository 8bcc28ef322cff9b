import { describe, expect, it } from 'vitest'
import { compiledEndpoint } from '@/lib/endpoints/compiled'
import { MAX_BATCH_ROWS, parseBatchCsv, parsePromptList, rowProblemText } from '@/lib/batches/batch-rows'

const V2V = 'fal-ai/ltx-2-19b/video-to-video'
const { fields } = compiledEndpoint(V2V)!.compiled

describe('parsePromptList', () => {
  it('makes one row per non-blank line, each with its own line number', () => {
    const { rows, problems } = parsePromptList('a kite\n\n  a lighthouse  \r\n\nrain on glass\n')
    expect(problems).toEqual([])
    expect(rows).toEqual([
      { line: 1, values: { prompt: 'a kite' } },
      { line: 3, values: { prompt: 'a lighthouse' } },
      { line: 5, values: { prompt: 'rain on glass' } },
    ])
  })

  it(`refuses more than ${MAX_BATCH_ROWS} prompts, naming the first line past the limit`, () => {
    const text = Array.from({ length: MAX_BATCH_ROWS + 1 }, (_, at) => `prompt ${at}`).join('\n\n')
    const { problems } = parsePromptList(text)
    expect(problems).toEqual([{ line: 2 * MAX_BATCH_ROWS + 1, field: 'rows', message: expect.stringContaining(`at most ${MAX_BATCH_ROWS}`) }])
  })
})

describe('parseBatchCsv', () => {
  it(`stops reading a CSV of many thousand rows past the ${MAX_BATCH_ROWS + 1}st, naming its line`, () => {
    const csv = ['prompt', ...Array.from({ length: 50_000 }, (_, at) => `prompt ${at}`)].join('\n')
    const { rows, problems } = parseBatchCsv(csv, fields)
    expect(rows).toHaveLength(MAX_BATCH_ROWS)
    expect(problems).toEqual([{ line: MAX_BATCH_ROWS + 2, field: 'rows', message: `A batch runs at most ${MAX_BATCH_ROWS} takes; this one has more` }])
  })

  it('coerces each cell to its field kind: text, integers, decimals, booleans, enum options', () => {
    const csv = 'prompt,num_inference_steps,guidance_scale,enable_prompt_expansion,camera_lora\n"a kite, at dusk",8,3.5,FALSE,dolly_in\nlighthouse,,2,true,\n'
    const { rows, problems } = parseBatchCsv(csv, fields)
    expect(problems).toEqual([])
    expect(rows).toEqual([
      { line: 2, values: { prompt: 'a kite, at dusk', num_inference_steps: 8, guidance_scale: 3.5, enable_prompt_expansion: false, camera_lora: 'dolly_in' } },
      // An empty cell keeps the form's value.
      { line: 3, values: { prompt: 'lighthouse', guidance_scale: 2, enable_prompt_expansion: true } },
    ])
  })

  it('names a bad value by its line (header = line 1, blank lines and quoted newlines counted) and field', () => {
    const csv = 'prompt,guidance_scale\n\n"two\nlines",3\nok,20\nfine,abc\n'
    const { rows, problems } = parseBatchCsv(csv, fields)
    expect(rows.map((row) => row.line)).toEqual([3, 5, 6])
    expect(problems).toEqual([
      { line: 5, field: 'guidance_scale', message: '“20” is above the maximum 10' },
      { line: 6, field: 'guidance_scale', message: '“abc” is not a number' },
    ])
    expect(rowProblemText(problems[0]!, 'Guidance Scale')).toBe('Line 5, Guidance Scale: “20” is above the maximum 10')
  })

  it('refuses an option the field does not have and a switch that is not true or false', () => {
    const { problems } = parseBatchCsv('camera_lora,generate_audio\nspin,yes\n', fields)
    expect(problems).toEqual([
      { line: 2, field: 'camera_lora', message: expect.stringMatching(/^“spin” is not one of dolly_in, /) },
      { line: 2, field: 'generate_audio', message: '“yes” is not true or false' },
    ])
  })

  it('refuses an unknown column, a column no row may set, a repeated column, and a row with too many cells', () => {
    const csv = 'prompt,colour,video_url,prompt\na,b,c,d,e\n'
    const { problems } = parseBatchCsv(csv, fields)
    expect(problems).toEqual([
      { line: 1, field: 'colour', message: 'There is no field named colour' },
      { line: 1, field: 'video_url', message: 'video_url cannot be set per row' },
      { line: 1, field: 'prompt', message: 'prompt is named twice' },
      { line: 2, field: 'row', message: '5 cells, but the header names 4 fields' },
    ])
  })

  it('refuses an empty CSV and a CSV with a header only', () => {
    expect(parseBatchCsv('\n\n', fields).problems).toMatchObject([{ line: 1, field: 'header' }])
    expect(parseBatchCsv('prompt\n', fields).problems).toMatchObject([{ line: 2, field: 'rows' }])
  })
})
