import { isUnsafeIntegerDigits } from './exact-integer'

/**
 * JSON that keeps every integer digit for digit (the rule: `lib/json/exact-integer.ts`). Node 20 has
 * neither `JSON.rawJSON` nor the reviver's `context.source`, and lossless-json's parser reads a
 * 60 MB submit (a video as a data URI) in about 25 s, so both ways go through the native `JSON`:
 *
 * - reading, integer literals beyond the safe range are quoted in the text first, so `JSON.parse`
 *   gives their digits;
 * - writing, digit strings at integer paths are marked, stringified, and the marks taken off, so
 *   they stand as raw numbers.
 *
 * tests/unit/exact-json.test.ts checks both against lossless-json.
 */

/** Where a value sits in a JSON document: object keys and array indexes from the root. */
export type JsonPath = readonly (string | number)[]
/** Whether the value at a path is an integer field (e.g. from a schema: `integerPathsOf`). */
export type IntegerPathTest = (path: JsonPath) => boolean

/** Text with no run of 16 digits holds no unsafe integer, and `JSON.parse` reads it exactly. */
const MAY_HOLD_UNSAFE_INTEGER = /\d{16}/
/**
 * A JSON string (skipped whole, so digits inside text are never touched), or an integer literal of
 * 16 digits or more standing as a value: after `:`, `,`, `[` or at the start, and before `,`, `]`,
 * `}` or the end (so no fraction, exponent or key is ever taken for one).
 */
const STRING_OR_LONG_INTEGER = /"[^"\\]*(?:\\.[^"\\]*)*"|(?<=(?:^|[:,[])[ \t\n\r]*)-?[1-9]\d{15,}(?=[ \t\n\r]*(?:[,\]}]|$))/g

/**
 * The same JSON text with every integer beyond the safe range quoted as its digits, so that
 * `JSON.parse` reads it exactly; text without one is returned as it is. For code that parses with
 * `JSON.parse` and cannot be changed (the fal client reading an answer).
 */
export function safeJsonText(text: string): string {
  if (!MAY_HOLD_UNSAFE_INTEGER.test(text)) return text
  return text.replace(STRING_OR_LONG_INTEGER, (token) => (isUnsafeIntegerDigits(token) ? `"${token}"` : token))
}

/**
 * `JSON.parse`, except that an integer literal beyond the safe range becomes its digits (a string)
 * instead of a rounded number. Other numbers (fractions, exponents) read as numbers. Throws a
 * SyntaxError on text that is not JSON.
 */
export function parseExactJson(text: string): unknown {
  return JSON.parse(safeJsonText(text))
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/**
 * The value with `replace(digits)` in place of every unsafe-integer digit string at a path
 * `isIntegerPath` accepts; the value itself (not a copy) when there is none. Plain objects and
 * arrays are walked; anything else is left as it is.
 */
export function replaceIntegerDigits(value: unknown, isIntegerPath: IntegerPathTest, replace: (digits: string) => unknown, path: (string | number)[] = []): unknown {
  if (isUnsafeIntegerDigits(value)) return isIntegerPath(path) ? replace(value) : value
  if (Array.isArray(value)) {
    let changed = false
    const items = value.map((item: unknown, index) => {
      const next = replaceIntegerDigits(item, isIntegerPath, replace, [...path, index])
      changed ||= next !== item
      return next
    })
    return changed ? items : value
  }
  if (isPlainObject(value)) {
    let changed = false
    const entries = Object.entries(value).map(([key, item]) => {
      const next = replaceIntegerDigits(item, isIntegerPath, replace, [...path, key])
      changed ||= next !== item
      return [key, next] as const
    })
    return changed ? Object.fromEntries(entries) : value
  }
  return value
}

/**
 * A mark random to this process (never sent anywhere: `unmarkIntegers` takes every one off), so no
 * text a caller sends can pass for a marked integer.
 */
const MARK = `exact-integer-${Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('')}:`
const MARKED_INTEGER = new RegExp(`"${MARK}(-?\\d+)"`, 'g')

/** The value with each unsafe-integer digit string at an integer path marked, for `unmarkIntegers` once serialized. */
export function markIntegers(value: unknown, isIntegerPath: IntegerPathTest): unknown {
  return replaceIntegerDigits(value, isIntegerPath, (digits) => `${MARK}${digits}`)
}

/** Serialized JSON with each marked integer (a JSON string) written as the raw number it stands for. */
export function unmarkIntegers(json: string): string {
  if (!json.includes(MARK)) return json
  const unmarked = json.replace(MARKED_INTEGER, '$1')
  // Only `markIntegers` marks, and only whole digit strings: anything else is a bug, never sent.
  if (unmarked.includes(MARK)) throw new Error('A marked integer was not a whole JSON string of digits')
  return unmarked
}

/**
 * `JSON.stringify` (no indentation), except that a digit string beyond the safe range at a path
 * `isIntegerPath` accepts is written as a raw JSON number: how an exact integer goes on the wire.
 * Digit strings elsewhere (a prompt "1490631192028410600") stay strings.
 */
export function stringifyExactJson(value: unknown, isIntegerPath?: IntegerPathTest): string {
  const text = JSON.stringify(isIntegerPath ? markIntegers(value, isIntegerPath) : value) as string | undefined
  if (text === undefined) throw new TypeError('The value has no JSON form')
  return unmarkIntegers(text)
}
