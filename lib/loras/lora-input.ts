import 'server-only'
import { z } from 'zod'
import { LORA_BASES } from '@/lib/db/schema'
import type { NewOwnLora } from '@/lib/db/lora-queries'
import { loraUrlProblem } from './lora-path'
import { LORA_NAME_MAX, LORA_NOTE_MAX, LORA_SCALE_MAX, LORA_SCALE_MIN, LORA_TRIGGER_MAX, type LoraField, type LoraProblem } from './lora-view'

// The LoRA API's input checks, in one place: the routes only read the body and answer.

export type Checked<T> = { ok: true; value: T } | { ok: false; status: 400 | 422; problem: LoraProblem }

/** An optional text field: trimmed, and null when empty. */
const optionalText = (label: string, max: number) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .max(max, { error: `${label} must be at most ${max} characters` })
    .nullish()
    .transform((value) => (value ? value : null))

const newLora = z.object({
  name: z
    .string({ error: 'Name is required' })
    .trim()
    .min(1, { error: 'Name is required' })
    .max(LORA_NAME_MAX, { error: `Name must be at most ${LORA_NAME_MAX} characters` }),
  url: z
    .string({ error: 'URL is required' })
    .trim()
    .min(1, { error: 'URL is required' })
    .superRefine((value, context) => {
      const problem = loraUrlProblem(value)
      if (problem) context.addIssue({ code: 'custom', message: `URL ${problem}` })
    }),
  base: z.enum(LORA_BASES, { error: `Base model must be one of ${LORA_BASES.join(', ')}` }),
  kind: z.enum(['camera', 'ic', 'style'], { error: 'Kind must be camera, ic or style' }),
  recommendedScale: z
    .number({ error: 'Scale must be a number' })
    .min(LORA_SCALE_MIN, { error: `Scale must be between ${LORA_SCALE_MIN} and ${LORA_SCALE_MAX}` })
    .max(LORA_SCALE_MAX, { error: `Scale must be between ${LORA_SCALE_MIN} and ${LORA_SCALE_MAX}` }),
  triggerWords: optionalText('Trigger words', LORA_TRIGGER_MAX),
  note: optionalText('Note', LORA_NOTE_MAX),
})

const FIELDS = new Set<string>(newLora.keyof().options)

/** POST /api/loras' body: 400 when it is not an object, 422 naming the first field at fault. */
export function checkNewLora(body: unknown): Checked<NewOwnLora> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, status: 400, problem: { detail: 'The body must be a JSON object' } }
  }
  const unknown = Object.keys(body).filter((key) => !FIELDS.has(key))
  if (unknown.length) return { ok: false, status: 400, problem: { detail: `Unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}` } }
  const parsed = newLora.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue?.path[0]
    return {
      ok: false,
      status: 422,
      problem: { detail: issue?.message ?? 'Invalid input', ...(typeof field === 'string' && FIELDS.has(field) ? { field: field as LoraField } : {}) },
    }
  }
  return { ok: true, value: parsed.data }
}
