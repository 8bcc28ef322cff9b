'use client'
import { lazy, Suspense } from 'react'
import type { TakeProgress } from '@/lib/takes/take-progress'
import type { ExactInteger } from '@/lib/json/exact-integer'
import { downloadFileName } from '@/lib/takes/download-name'
import { TakeStatus } from '@/components/takes/take-status'
import { TakeProgressBar } from '@/components/takes/take-progress-bar'
import type { InputMedia } from '@/components/takes/take-result'
import { StageFrame } from './stage-frame'
import { TakeLinks } from './take-links'

// The player, its facts and the compare with the input: fetched once a take starts (see ResultStage).
export const loadTakeResult = () => import('@/components/takes/take-result')
const TakeResult = lazy(() => loadTakeResult().then((module) => ({ default: module.TakeResult })))

export interface TakeStageProps {
  take: TakeProgress
  cancelError: string | null
  onCancel: () => void
  onRetry: () => void
  onUseSeed?: (seed: ExactInteger) => void
  /** "Use this prompt" (the prompt the model used, when it differs from the one typed). */
  onUsePrompt?: (prompt: string) => void
  /** The take's video and audio inputs, for the compare view. */
  resultInputs: InputMedia[]
}

/** What the frame says when a take has ended without a video. */
function endedWithout(take: TakeProgress): string {
  if (take.status === 'CANCELLED') return 'Cancelled: no video.'
  if (take.status === 'COMPLETED') return 'This take answered without a video.'
  return 'No video: the take failed (why is said above).'
}

/** A take on the stage: where it stands, its progress, then its player. */
export function TakeStage({ take, cancelError, onCancel, onRetry, onUseSeed, onUsePrompt, resultInputs }: TakeStageProps) {
  const output = take.status === 'COMPLETED' ? take.output : undefined
  const running = take.status === 'SUBMITTING' || take.status === 'IN_QUEUE' || take.status === 'IN_PROGRESS'
  return (
    <>
      <TakeStatus take={take} onCancel={onCancel} onRetry={onRetry} cancelError={cancelError} />
      {output ? (
        <>
          <Suspense fallback={<StageFrame>Loading the player…</StageFrame>}>
            <TakeResult
              output={output}
              inputs={resultInputs}
              onUseSeed={onUseSeed}
              input={take.input}
              takeId={take.takeId}
              onUsePrompt={onUsePrompt}
              copyStatus={take.copyStatus}
              downloadName={take.takeId ? downloadFileName(take.endpointId, take.takeId) : undefined}
            />
          </Suspense>
          {take.takeId && <TakeLinks takeId={take.takeId} />}
        </>
      ) : (
        <StageFrame>{running ? <TakeProgressBar take={take} /> : <p className="text-sm text-muted">{endedWithout(take)}</p>}</StageFrame>
      )}
    </>
  )
}
