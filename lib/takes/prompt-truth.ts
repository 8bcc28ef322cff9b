import { diffWords } from 'diff'

/** The prompt typed for a take and the one its model says it used (fal's prompt expansion). */
export interface PromptTruth {
  typed: string
  used: string
}

/** A run of words the two prompts share, or that only one of them has. */
export interface PromptPart {
  kind: 'same' | 'added' | 'removed'
  text: string
}

/** Beyond this many word edits the prompts are shown as wholly replaced, not diffed word by word. */
const MAX_WORD_EDITS = 1000

const flat = (text: string) => text.replace(/\s+/g, ' ').trim()

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Both prompts when the output states a prompt that differs from the typed one (spacing aside);
 * null when it states none or the same one.
 */
export function promptTruthOf(input: unknown, output: unknown): PromptTruth | null {
  const used = isRecord(output) ? output.prompt : undefined
  if (typeof used !== 'string' || flat(used) === '') return null
  const typedValue = isRecord(input) ? input.prompt : undefined
  const typed = typeof typedValue === 'string' ? typedValue : ''
  return flat(typed) === flat(used) ? null : { typed, used }
}

/** Each prompt in full, split into runs: the typed one marks what the model dropped, the used one what it added. */
export interface PromptSides {
  typed: PromptPart[]
  used: PromptPart[]
}

/**
 * The runs of `to` (words and the spaces between them) against `from`: shared, or only in `to`
 * (`onlyHere`). diffWords rebuilds its new text exactly, spacing included, but not its old one:
 * each side is therefore diffed with itself as the new text.
 */
function runsOf(from: string, to: string, onlyHere: 'added' | 'removed'): PromptPart[] {
  const changes = diffWords(from, to, { maxEditLength: MAX_WORD_EDITS })
  // Too different to diff in time: wholly replaced.
  if (!changes) return to ? [{ kind: onlyHere, text: to }] : []
  return changes
    .filter((change) => !change.removed && change.value !== '')
    .map((change) => ({ kind: change.added ? onlyHere : 'same', text: change.value }))
}

/** The word-level differences between the typed prompt and the used one, side by side. */
export function promptSides({ typed, used }: PromptTruth): PromptSides {
  return { typed: runsOf(used, typed, 'removed'), used: runsOf(typed, used, 'added') }
}

/** How many runs of words were added and removed, for a one-line summary. */
export function countChanges({ typed, used }: PromptSides): { added: number; removed: number } {
  return {
    added: used.filter((part) => part.kind === 'added').length,
    removed: typed.filter((part) => part.kind === 'removed').length,
  }
}
