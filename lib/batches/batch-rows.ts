import Papa from 'papaparse'
import type { FieldDescriptor, Payload } from '@/lib/schema'
import { valueProblem } from '@/lib/sweeps/axis-input'
import { parseSweepValue, type SweepValue } from '@/lib/sweeps/sweep-plan'

/** A batch makes at most this many takes. */
export const MAX_BATCH_ROWS = 100
/** The largest CSV file the batch panel reads (a hundred rows of long prompts fit in far less). */
export const MAX_BATCH_CSV_BYTES = 2_000_000
/** The field a pasted list of prompts fills. */
export const PROMPT_FIELD = 'prompt'

/** One take of a batch: the line it came from (the CSV's, header = line 1, or the pasted list's) and the fields it sets. */
export interface BatchRow {
  line: number
  values: Record<string, SweepValue>
}

/** Why a line cannot run: its line number, the field (or column) at fault, and what is wrong. */
export interface RowProblem {
  line: number
  field: string
  message: string
}

/** What `POST /api/batches` takes: the form's input, and one row per take with the line it came from. */
export interface BatchRequest {
  endpointId: string
  input: Payload
  rows: BatchRow[]
  concurrency: number
  varySeed: boolean
  /** Every take gets `enable_prompt_expansion: false` (unless its row sets it), so expansion does not confound a comparison. */
  pinExpansionOff: boolean
}

export interface ParsedRows {
  rows: BatchRow[]
  problems: RowProblem[]
}

/** The fields a batch row may set: text, numbers, choices and on/off switches (media, sizes and lists stay the form's). */
export type BatchField = Extract<FieldDescriptor, { kind: 'text' | 'textarea' | 'number' | 'select' | 'switch' }>

export function batchFields(fields: readonly FieldDescriptor[]): BatchField[] {
  return fields.filter((field): field is BatchField => ['text', 'textarea', 'number', 'select', 'switch'].includes(field.kind))
}

const isTextField = (field: BatchField): field is Extract<BatchField, { kind: 'text' | 'textarea' }> => field.kind === 'text' || field.kind === 'textarea'

/** "Line 4, guidance_scale: “20” is above the maximum 10" */
export function rowProblemText(problem: RowProblem, label = problem.field): string {
  return `Line ${problem.line}, ${label}: ${problem.message}`
}

/** A cell's text as the field's value (numbers, booleans, enum options, text), or what is wrong with it. */
export function coerceCell(field: BatchField, text: string): { value: SweepValue } | { problem: string } {
  if (isTextField(field)) return { value: text }
  const trimmed = field.kind === 'switch' ? text.trim().toLowerCase() : text.trim()
  const value = parseSweepValue(field, trimmed)
  if (value === undefined) {
    const quoted = `“${text.trim()}”`
    if (field.kind === 'switch') return { problem: `${quoted} is not true or false` }
    if (field.kind === 'select') return { problem: `${quoted} is not one of ${field.options.map(String).join(', ')}` }
    return { problem: `${quoted} is not a number` }
  }
  const problem = valueProblem(field, value, text.trim())
  return problem ? { problem } : { value }
}

/**
 * A row's values as the server receives them, checked against the fields a row may set: what is
 * wrong with the first bad one, or null. (The endpoint's validator then judges the whole input.)
 */
export function rowValueProblem(fields: readonly BatchField[], values: Payload): { field: string; message: string } | null {
  for (const [name, value] of Object.entries(values)) {
    const field = fields.find((candidate) => candidate.name === name)
    if (!field) return { field: name, message: `${name} cannot be set by a batch row` }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return { field: name, message: 'must be a text, number or true/false' }
    if (isTextField(field)) continue
    const coerced = coerceCell(field, String(value))
    if ('problem' in coerced) return { field: name, message: coerced.problem }
  }
  return null
}

function tooMany(count: number | 'more', line: number): RowProblem {
  return { line, field: 'rows', message: `A batch runs at most ${MAX_BATCH_ROWS} takes; this one has ${count}` }
}

/** One prompt per line of `text`; blank lines are skipped, each prompt keeps its line number. */
export function parsePromptList(text: string, promptField = PROMPT_FIELD): ParsedRows {
  const rows: BatchRow[] = []
  text.split(/\r?\n/).forEach((line, at) => {
    const prompt = line.trim()
    if (prompt !== '') rows.push({ line: at + 1, values: { [promptField]: prompt } })
  })
  const problems = rows.length > MAX_BATCH_ROWS ? [tooMany(rows.length, rows[MAX_BATCH_ROWS]!.line)] : []
  return { rows, problems }
}

/** Counts lines as the parser moves forward: the 1-based line of each offset asked for, in increasing order. */
function lineCounter(text: string): (offset: number) => number {
  let line = 1
  let counted = 0
  return (offset) => {
    for (let at = text.indexOf('\n', counted); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
      line++
      counted = at + 1
    }
    return line
  }
}

/**
 * A CSV whose header row names fields: one row per take, each cell coerced to its field's kind.
 * An unknown or repeated column, a bad value or a row with too many cells is a problem named by its
 * line (header = line 1) and field; empty cells keep the form's value; blank lines are skipped.
 */
export function parseBatchCsv(text: string, fields: readonly FieldDescriptor[]): ParsedRows {
  const settable = batchFields(fields)
  const records: { line: number; cells: string[] }[] = []
  const lineAt = lineCounter(text)
  let start = 0
  let nonBlankRecords = 0
  let stoppedEarly = false
  Papa.parse<string[]>(text, {
    delimiter: ',',
    step: (result, parser) => {
      const cursor = result.meta.cursor
      // A row may span lines (a quoted newline); it is named by the line it starts on.
      const rowStart = text.slice(start, cursor).search(/[^\r\n]/)
      records.push({ line: lineAt(start + Math.max(rowStart, 0)), cells: result.data })
      start = cursor
      // The header, the most a batch runs, and one more to name as too many: the rest need not be read.
      if (result.data.some((cell) => cell.trim() !== '') && ++nonBlankRecords > MAX_BATCH_ROWS + 1) {
        stoppedEarly = true
        parser.abort()
      }
    },
  })
  const nonBlank = records.filter((record) => record.cells.some((cell) => cell.trim() !== ''))
  const [header, ...body] = nonBlank
  if (!header) return { rows: [], problems: [{ line: 1, field: 'header', message: 'The CSV is empty: its first line names the fields' }] }

  const problems: RowProblem[] = []
  const columns = header.cells.map((cell) => cell.trim())
  const columnFields: (BatchField | undefined)[] = columns.map((name, at) => {
    const field = settable.find((candidate) => candidate.name === name)
    if (name === '') problems.push({ line: header.line, field: `column ${at + 1}`, message: 'This column has no field name' })
    else if (!field) {
      const known = fields.some((candidate) => candidate.name === name)
      problems.push({ line: header.line, field: name, message: known ? `${name} cannot be set per row` : `There is no field named ${name}` })
    } else if (columns.indexOf(name) !== at) problems.push({ line: header.line, field: name, message: `${name} is named twice` })
    return field
  })
  if (body.length > MAX_BATCH_ROWS) problems.push(tooMany(stoppedEarly ? 'more' : body.length, body[MAX_BATCH_ROWS]!.line))

  const rows: BatchRow[] = []
  for (const record of body.slice(0, MAX_BATCH_ROWS)) {
    const values: Record<string, SweepValue> = {}
    if (record.cells.length > columns.length) problems.push({ line: record.line, field: 'row', message: `${record.cells.length} cells, but the header names ${columns.length} fields` })
    record.cells.slice(0, columns.length).forEach((cell, at) => {
      const field = columnFields[at]
      if (!field || cell.trim() === '') return
      const coerced = coerceCell(field, cell)
      if ('problem' in coerced) problems.push({ line: record.line, field: field.name, message: coerced.problem })
      else values[field.name] = coerced.value
    })
    rows.push({ line: record.line, values })
  }
  if (body.length === 0 && problems.length === 0) problems.push({ line: header.line + 1, field: 'rows', message: 'The CSV has a header but no rows' })
  return { rows, problems }
}

