import { exactIntegerOf, isExactInteger, type ExactInteger } from '@/lib/json/exact-integer'
import type { JsonSchema, JsonValue, Payload } from '@/lib/schema'
import { SEED_FIELD } from '@/lib/sweeps/sweep-plan'

const INTEGER_TEXT = /^-?\d+$/

/** The seed an output states, as an exact integer; undefined when it states none (or a rounded one). */
export function seedOf(output: unknown): ExactInteger | undefined {
  if (output === null || typeof output !== 'object' || Array.isArray(output)) return undefined
  const seed: unknown = (output as Record<string, unknown>)[SEED_FIELD]
  if (typeof seed === 'string') return INTEGER_TEXT.test(seed) ? exactIntegerOf(BigInt(seed)) : undefined
  // A number past 2^53 was rounded on its way here: it is not the seed that was used.
  return Number.isSafeInteger(seed) ? (seed as number) : undefined
}

/** The seed a take ran with: the one its input set, else the one its output states. */
export function seedUsedBy(take: { input: Record<string, JsonValue | undefined>; output?: unknown }): ExactInteger | undefined {
  const given = take.input[SEED_FIELD]
  return isExactInteger(given) ? given : seedOf(take.output)
}

/** `input` with the output's seed when it set none (for an endpoint whose input has a seed). */
export function withSeedUsed<T extends Record<string, JsonValue | undefined>>(input: T, output: unknown): T {
  if (input[SEED_FIELD] !== undefined) return input
  const seed = seedOf(output)
  return seed === undefined ? input : { ...input, [SEED_FIELD]: seed }
}

/**
 * The take's input with the seed fal used, so that a remix reproduces it and a comparison counts it:
 * `output.seed` (a number, or the digits of one beyond 2^53) set as `seed` when the endpoint's input
 * (`inputSchema`) has a seed and the input set none. Otherwise the input itself. Pure.
 */
export function inputWithSeedUsed(input: Payload, output: unknown, inputSchema: JsonSchema): Payload {
  const hasSeed = inputSchema.properties !== undefined && Object.hasOwn(inputSchema.properties, SEED_FIELD)
  return hasSeed ? withSeedUsed(input, output) : input
}
