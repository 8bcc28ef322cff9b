'use client'
import Link from 'next/link'
import { useId, useMemo } from 'react'
import { Button, buttonVariants } from '@/components/ui/button'
import { countChanges, promptSides, promptTruthOf, type PromptPart } from '@/lib/takes/prompt-truth'

// This module carries `diff`: pages load it lazily, only for an output that states a prompt of its own.

interface PromptTruthProps {
  input: unknown
  output: unknown
  /** The playground: puts the used prompt into the form's prompt field. */
  onUsePrompt?: (prompt: string) => void
  /** The take page: where the playground opens with the take remixed and the used prompt. */
  usePromptHref?: string
  /** The title's heading level, to fit the page's outline (h3 by default). */
  titleLevel?: 'h2' | 'h3'
}

/** A run of words; an added or removed one is marked by element, style and words, not by colour alone. */
function Part({ part }: { part: PromptPart }) {
  if (part.kind === 'added') {
    return (
      <ins className="rounded-sm bg-emerald-500/15 text-emerald-200 underline decoration-2 underline-offset-2">
        <span className="sr-only">[added: </span>
        {part.text}
        <span className="sr-only">]</span>
      </ins>
    )
  }
  if (part.kind === 'removed') {
    return (
      <del className="rounded-sm bg-danger/15 text-danger line-through decoration-2">
        <span className="sr-only">[removed: </span>
        {part.text}
        <span className="sr-only">]</span>
      </del>
    )
  }
  return <>{part.text}</>
}

function Side({ title, parts, testId }: { title: string; parts: PromptPart[]; testId: string }) {
  return (
    <div className="min-w-0">
      <p className="text-xs text-muted">{title}</p>
      <p data-testid={testId} className="mt-1 text-sm break-words whitespace-pre-wrap">
        {parts.map((part, index) => (
          <Part key={index} part={part} />
        ))}
      </p>
    </div>
  )
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

/**
 * The prompt typed and the prompt the model used (prompt expansion), side by side with their
 * differences marked, and "Use this prompt". Nothing when the output states no other prompt.
 */
export function PromptTruth({ input, output, onUsePrompt, usePromptHref, titleLevel: Title = 'h3' }: PromptTruthProps) {
  const titleId = useId()
  const truth = useMemo(() => promptTruthOf(input, output), [input, output])
  const sides = useMemo(() => (truth ? promptSides(truth) : null), [truth])
  if (!truth || !sides) return null
  const { added, removed } = countChanges(sides)
  return (
    <section aria-labelledby={titleId} data-testid="prompt-truth" className="space-y-3 rounded-lg border border-line bg-panel p-4">
      <div>
        <Title id={titleId} className="text-sm font-medium">
          The model used a different prompt
        </Title>
        <p className="mt-1 text-xs text-muted" data-testid="prompt-truth-summary">
          Prompt expansion rewrote the prompt before generating: {plural(added, 'addition')} (<ins className="underline decoration-2">underlined</ins>),{' '}
          {plural(removed, 'removal')} (<del className="line-through">struck through</del>).
        </p>
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <Side title="Typed" parts={sides.typed} testId="prompt-typed" />
        <Side title="Used by the model" parts={sides.used} testId="prompt-used" />
      </div>
      {onUsePrompt && (
        <Button size="sm" onClick={() => onUsePrompt(truth.used)}>
          Use this prompt
        </Button>
      )}
      {!onUsePrompt && usePromptHref && (
        <Link href={usePromptHref} className={buttonVariants({ size: 'sm' })}>
          Use this prompt
        </Link>
      )}
    </section>
  )
}
