import { createHash } from 'node:crypto'
import type { JsonValue } from '@/lib/schema'

// fal's LTX-2 endpoints rewrite the prompt before generating (`enable_prompt_expansion`) and return
// the prompt they used. The simulator does the same, deterministically: the typed prompt, reworded
// in one place, then a sentence each on subject, camera, light and sound, picked by a hash of it.

const SUBJECT = [
  'The subject is rendered in fine detail, with natural texture and subtle motion.',
  'The main subject stays sharp and centred, moving with deliberate, fluid grace.',
  'Every surface of the subject shows rich, tactile detail and believable weight.',
  'The subject carries a calm, focused presence, its small gestures clearly visible.',
]
const CAMERA = [
  'The camera glides slowly forward on a smooth dolly.',
  'A steady handheld camera follows at eye level.',
  'The camera holds a wide static shot, then eases into a medium close-up.',
  'A slow crane move rises above the scene.',
]
const LIGHT = [
  'Warm golden-hour sunlight rakes across the frame, with long soft shadows.',
  'Cool overcast daylight gives even, diffuse illumination.',
  'Soft rim light from behind separates the subject from a dim background.',
  'Neon reflections and deep blue shadows give the scene a moody glow.',
]
const SOUND = [
  'Ambient sound: a gentle breeze and distant birdsong.',
  'Ambient sound: a low city hum with faint footsteps.',
  'Ambient sound: soft rain pattering on nearby surfaces.',
  'Ambient sound: a quiet room tone with a subtle musical drone.',
]

/** One word the expansion rewords, as an expander would (lower case; the first found is changed). */
const REWORDINGS: Record<string, string> = {
  big: 'large',
  small: 'tiny',
  walks: 'strolls',
  walking: 'strolling',
  runs: 'sprints',
  running: 'sprinting',
  looks: 'gazes',
  looking: 'gazing',
  fast: 'swift',
  old: 'weathered',
  happy: 'joyful',
  dark: 'shadowy',
  pretty: 'beautiful',
  shot: 'sequence',
  video: 'clip',
}

/** Whether a take with this effective input (defaults applied) has its prompt expanded. */
export function expansionEnabled(effective: Record<string, JsonValue>): boolean {
  return effective.enable_prompt_expansion === true
}

/** The prompt with one word reworded (or, when none can be, its first letter capitalised). */
function reworded(prompt: string): string {
  let changed = false
  const swapped = prompt.replace(/[A-Za-z]+/g, (word) => {
    const replacement = changed ? undefined : REWORDINGS[word.toLowerCase()]
    if (!replacement) return word
    changed = true
    return word[0] === word[0]!.toUpperCase() ? replacement[0]!.toUpperCase() + replacement.slice(1) : replacement
  })
  if (changed) return swapped
  return prompt.replace(/^(\s*)([a-z])/, (_match, space: string, letter: string) => space + letter.toUpperCase())
}

/** The prompt a model with prompt expansion on would use for `typed`: the same for the same text. */
export function expandPrompt(typed: string): string {
  const core = typed.trim()
  if (core === '') return typed
  const hash = createHash('sha256').update(core).digest()
  const pick = (options: string[], byte: number) => options[hash[byte]! % options.length]!
  const sentence = /[.!?]$/.test(core) ? reworded(core) : `${reworded(core)}.`
  return [sentence, pick(SUBJECT, 0), pick(CAMERA, 1), pick(LIGHT, 2), pick(SOUND, 3)].join(' ')
}

/** The prompt the output reports: expanded when expansion is on, else exactly as typed. */
export function promptUsed(typed: string, effective: Record<string, JsonValue>): string {
  return expansionEnabled(effective) ? expandPrompt(typed) : typed
}
