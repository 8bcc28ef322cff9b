'use client'
import { lazy, Suspense, useEffect, type ReactNode } from 'react'
import type { TakeProgress } from '@/lib/takes/take-progress'
import type { ExactInteger } from '@/lib/json/exact-integer'
import { downloadFileName } from '@/lib/takes/download-name'
import { TakeStatus } from '@/components/takes/take-status'
import { TakeProgressBar } from '@/components/takes/take-progress-bar'
import type { InputMedia } from '@/components/takes/take-result'
import { TakeLinks } from './take-links'

// The result (player, facts, compare with the input) is a chunk of its own, fetched as soon as a
// take starts: the playground's first load does not carry it.
const loadTakeResult = () => import('@/components/takes/take-result')
const TakeResult = lazy(() => loadTakeResult().then((module) => ({ default: module.TakeResult })))

/** The stage's element id (the playground scrolls to it when a take starts on a narrow screen). */
export const RESULT_STAGE_ID = 'result-stage'

interface ResultStageProps {
  take: TakeProgress | null
  cancelError: string | null
  onCancel: () => void
  onRetry: () => void
  onUseSeed?: (seed: ExactInteger) => void
  /** The take's video and audio inputs, for the compare view. */
  resultInputs: InputMedia[]
}

/** A 16:9 frame the size of the player, for what shows before there is a video. */
function StageFrame({ children }: { children: ReactNode }) {
  return (
    <div
      data-testid="stage-frame"
      className="flex aspect-video w-full flex-col items-center justify-center gap-3 rounded-md border border-dashed border-line bg-ink/60 p-6 text-center"
    >
      {children}
    </div>
  )
}

/** What the frame says when a take has ended without a video. */
function endedWithout(take: TakeProgress): string {
  if (take.status === 'CANCELLED') return 'Cancelled: no video.'
  if (take.status === 'COMPLETED') return 'This take answered without a video.'
  return 'No video: the take failed (why is said above).'
}

/** The result area, large from the start: an empty stage, the take's progress, then its player. */
export function ResultStage({ take, cancelError, onCancel, onRetry, onUseSeed, resultInputs }: ResultStageProps) {
  const hasTake = take !== null
  useEffect(() => {
    if (hasTake) void loadTakeResult()
  }, [hasTake])
  const output = take?.status === 'COMPLETED' ? take.output : undefined
  const running = take !== null && (take.status === 'SUBMITTING' || take.status === 'IN_QUEUE' || take.status === 'IN_PROGRESS')
  return (
    <section id={RESULT_STAGE_ID} aria-label="Result" data-testid="result-stage" className="scroll-mt-4 space-y-4 rounded-lg border border-line bg-panel p-4">
      {take && <TakeStatus take={take} onCancel={onCancel} onRetry={onRetry} cancelError={cancelError} />}
      {take && output ? (
        <>
          <Suspense fallback={<StageFrame>Loading the player…</StageFrame>}>
            <TakeResult
              output={output}
              inputs={resultInputs}
              onUseSeed={onUseSeed}
              copyStatus={take.copyStatus}
              downloadName={take.takeId ? downloadFileName(take.endpointId, take.takeId) : undefined}
            />
          </Suspense>
          {take.takeId && <TakeLinks takeId={take.takeId} />}
        </>
      ) : (
        <StageFrame>
          {!take && (
            <>
              <p className="text-lg font-medium">Your take plays here</p>
              <p className="max-w-md text-sm text-muted">Fill in the form, or load the example, then Run (Ctrl/⌘ + Enter). The estimate beside Run is what it should cost.</p>
            </>
          )}
          {running && <TakeProgressBar take={take} />}
          {take && !running && <p className="text-sm text-muted">{endedWithout(take)}</p>}
        </StageFrame>
      )}
    </section>
  )
}
