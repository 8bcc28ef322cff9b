import { describe, expect, it } from 'vitest'
import { countChanges, promptSides, promptTruthOf, type PromptPart } from '@/lib/takes/prompt-truth'
import { expandPrompt } from '@/lib/local-fal/prompt-expansion'

const text = (parts: PromptPart[]) => parts.map((part) => part.text).join('')
const marked = (parts: PromptPart[], kind: PromptPart['kind']) => parts.filter((part) => part.kind === kind).map((part) => part.text.trim())

describe('prompt truth: the typed prompt and the one the model used', () => {
  it('is there only when the output states a prompt that differs from the typed one', () => {
    expect(promptTruthOf({ prompt: 'a cat' }, { video: {}, prompt: 'A fluffy cat.' })).toEqual({ typed: 'a cat', used: 'A fluffy cat.' })
    expect(promptTruthOf({ prompt: 'a cat' }, { video: {}, prompt: 'a cat' })).toBeNull()
    // Spacing alone is no difference.
    expect(promptTruthOf({ prompt: '  a   cat\n' }, { prompt: 'a cat' })).toBeNull()
    // No prompt stated (LTX-2 Pro), or none worth showing.
    expect(promptTruthOf({ prompt: 'a cat' }, { video: {} })).toBeNull()
    expect(promptTruthOf({ prompt: 'a cat' }, { prompt: '  ' })).toBeNull()
    expect(promptTruthOf({ prompt: 'a cat' }, { prompt: 42 })).toBeNull()
    expect(promptTruthOf({ prompt: 'a cat' }, null)).toBeNull()
    // Nothing typed, yet the model states a prompt: shown against an empty one.
    expect(promptTruthOf({}, { prompt: 'a cat' })).toEqual({ typed: '', used: 'a cat' })
  })

  it('marks a changed word as removed on the typed side and added on the used side, and added words as added', () => {
    const sides = promptSides({ typed: 'a fox walks in snow', used: 'a fox strolls in deep snow, slowly.' })
    expect(marked(sides.typed, 'removed')).toEqual(['walks'])
    expect(marked(sides.typed, 'added')).toEqual([])
    expect(marked(sides.used, 'added')).toEqual(['strolls', 'deep', ', slowly.'])
    expect(marked(sides.used, 'removed')).toEqual([])
    expect(countChanges(sides)).toEqual({ added: 3, removed: 1 })
  })

  it('rebuilds each prompt exactly, spacing included, from its side', () => {
    for (const typed of ['a fox walks in snow', 'neon koi pond', '  two  cats\nplaying  ', 'A big old house.', 'a b c d']) {
      for (const used of [expandPrompt(typed), 'x b y d z', 'Two cats playing. Soft light.']) {
        const sides = promptSides({ typed, used })
        expect(text(sides.typed)).toBe(typed)
        expect(text(sides.used)).toBe(used)
      }
      const { added, removed } = countChanges(promptSides({ typed, used: expandPrompt(typed) }))
      expect(added).toBeGreaterThan(0)
      expect(removed).toBeGreaterThan(0)
    }
  })

  it('shows prompts too different to diff in time as wholly replaced', () => {
    const many = (prefix: string) => Array.from({ length: 3000 }, (_, index) => `${prefix}${index}`).join(' ')
    const truth = { typed: many('x'), used: many('y') }
    expect(promptSides(truth)).toEqual({ typed: [{ kind: 'removed', text: truth.typed }], used: [{ kind: 'added', text: truth.used }] })
  })
})
