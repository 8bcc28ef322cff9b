'use client'
import { lazy, Suspense, useEffect } from 'react'
import type { TakeStageProps } from './take-stage'
import { StageFrame } from './stage-frame'

// Everything about a take (its status, progress, player) is a chunk of its own, fetched as soon as a
// take starts: the playground's first load carries only the empty stage.
const loadTakeStage = () => import('./take-stage')
const TakeStage = lazy(() => loadTakeStage().then((module) => ({ default: module.TakeStage })))

/** The stage's element id (the playground scrolls to it when a take starts on a narrow screen). */
export const RESULT_STAGE_ID = 'result-stage'

type ResultStageProps = Omit<TakeStageProps, 'take'> & { take: TakeStageProps['take'] | null }

/** The result area, large from the start: an empty stage, then the take's progress and its player. */
export function ResultStage({ take, ...props }: ResultStageProps) {
  const hasTake = take !== null
  useEffect(() => {
    // The player is wanted the moment the take completes: fetched while it runs.
    if (hasTake) void loadTakeStage().then((module) => module.loadTakeResult())
  }, [hasTake])
  return (
    <section id={RESULT_STAGE_ID} aria-label="Result" data-testid="result-stage" className="scroll-mt-4 space-y-4 rounded-lg border border-line bg-panel p-4">
      {take ? (
        <Suspense fallback={<StageFrame>Loading…</StageFrame>}>
          <TakeStage take={take} {...props} />
        </Suspense>
      ) : (
        <StageFrame>
          <p className="text-lg font-medium">Your take plays here</p>
          <p className="max-w-md text-sm text-muted">Fill in the form, or load the example, then Run (Ctrl/⌘ + Enter). The estimate beside Run is what it should cost.</p>
        </StageFrame>
      )}
    </section>
  )
}
