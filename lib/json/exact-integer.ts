/**
 * The studio's one rule for integers that may pass 2^53 (fal's seeds are 64-bit, e.g.
 * 1490631192028410600): **an exact integer** is a JS number while it is a safe integer, and its
 * decimal digits (a string, optional leading '-') beyond `Number.MAX_SAFE_INTEGER`. One value has one
 * form, so equal integers compare equal. On the wire to fal it is always a raw JSON number
 * (`lib/json/exact-json.ts`). Pure and dependency-free: the form uses it in the browser.
 */
export type ExactInteger = number | string

/** A canonical decimal integer: no '+', no leading zeros, no '-0'. */
const INTEGER_DIGITS = /^(?:0|-?[1-9]\d*)$/
/** The most digits a safe integer has; a longer canonical integer is never safe. */
const SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER).length

/** Whether canonical integer digits lie beyond the safe range (checked on the digits, never through a number). */
function beyondSafe(digits: string): boolean {
  const magnitude = digits.startsWith('-') ? digits.slice(1) : digits
  if (magnitude.length !== SAFE_DIGITS) return magnitude.length > SAFE_DIGITS
  return magnitude > String(Number.MAX_SAFE_INTEGER)
}

/** An integer's digits beyond the safe range: the string form of an exact integer. */
export function isUnsafeIntegerDigits(value: unknown): value is string {
  return typeof value === 'string' && INTEGER_DIGITS.test(value) && beyondSafe(value)
}

/** A value in the exact-integer form: a safe integer number, or the digits of one beyond the safe range. */
export function isExactInteger(value: unknown): value is ExactInteger {
  return Number.isSafeInteger(value) || isUnsafeIntegerDigits(value)
}

/** The exact-integer form of a bigint. */
export function exactIntegerOf(value: bigint): ExactInteger {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString()
}

/**
 * The integer a text states (surrounding spaces, leading zeros and a '+' allowed), in the
 * exact-integer form; undefined when the text is not an integer ("1.5", "1e3", "", "abc").
 */
export function exactIntegerFromText(text: string): ExactInteger | undefined {
  const match = /^\s*([+-]?)(\d+)\s*$/.exec(text)
  if (!match) return undefined
  return exactIntegerOf(BigInt(`${match[1] === '-' ? '-' : ''}${match[2]}`))
}

/** The bigint an exact integer (or any safe integer number) stands for. */
export function bigIntOf(value: ExactInteger): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`${value} is not a safe integer`)
  if (typeof value === 'string' && !INTEGER_DIGITS.test(value)) throw new RangeError(`"${value}" is not an integer's digits`)
  return BigInt(value)
}

/** How an exact integer compares with a JSON Schema bound (any finite number): -1, 0 or 1, computed exactly. */
export function compareWithBound(value: bigint, bound: number): -1 | 0 | 1 {
  if (bound === Infinity) return -1
  if (bound === -Infinity) return 1
  // A double's integer part converts to a bigint exactly; a fractional bound lies strictly between two integers.
  const floor = BigInt(Math.floor(bound))
  if (value < floor) return -1
  if (value > floor) return 1
  return Number.isInteger(bound) ? 0 : -1
}
