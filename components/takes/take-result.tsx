'use client'
import { lazy, Suspense, useEffect, useRef } from 'react'
import { Button } from '@/components/ui/button'
import { formatBytes } from '@/components/schema-form/format'
import { playAllFromStart, syncPlayback } from '@/components/media/sync-playback'
import { CopyStatusNote } from './copy-status-note'
import { formatSeconds } from './format'
import { videoOf, type Output } from '@/lib/generation/output-video'
import type { TakeView } from '@/lib/takes/take-view'
import type { ExactInteger } from '@/lib/json/exact-integer'
import { seedOf } from '@/lib/takes/seed-used'
import { downloadHref } from '@/lib/takes/download-name'
import { ContinueMenu } from '@/components/chains/continue-menu'
import type { Payload } from '@/lib/schema'

// The typed and the used prompt, diffed: its own chunk (it carries `diff`), only for an output that states another prompt.
const PromptTruth = lazy(() => import('./prompt-truth').then((module) => ({ default: module.PromptTruth })))

/** An input file the result can be compared with. */
export interface InputMedia {
  label: string
  kind: 'video' | 'audio'
  url: string
}

interface TakeResultProps {
  output: Output
  inputs: InputMedia[]
  onUseSeed?: (seed: ExactInteger) => void
  /** Where the studio's own copy stands (lib/takes/take-view): the note says when the video plays from fal. */
  copyStatus?: TakeView['copyStatus']
  /** What the downloaded file is called (`<model>-<take id>.mp4`, lib/takes/download-name). */
  downloadName?: string
  /** The take's id: offers "Continue" (a new take from this one's video or a frame of it). */
  takeId?: string
  /** The take's input: when the output states another prompt (prompt expansion), both are shown. */
  input?: Payload
  /** "Use this prompt": puts the prompt the model used into the form. */
  onUsePrompt?: (prompt: string) => void
}

/** The finished take: player, its facts, download, "use this seed", and a synced compare with the input. */
export function TakeResult({ output, inputs, onUseSeed, copyStatus = null, downloadName, input, onUsePrompt, takeId }: TakeResultProps) {
  const video = videoOf(output)
  const seed = seedOf(output)
  const statesOtherPrompt = typeof output.prompt === 'string' && output.prompt !== input?.prompt
  if (!video) {
    return (
      <pre className="max-h-64 overflow-auto rounded bg-ink p-3 font-mono text-xs" data-testid="take-output">
        {JSON.stringify(output, null, 2)}
      </pre>
    )
  }
  const facts: [string, string][] = [
    ['Size', video.width && video.height ? `${video.width} × ${video.height}` : '—'],
    ['Frame rate', video.fps ? `${video.fps} fps` : '—'],
    ['Frames', video.numFrames ? String(video.numFrames) : '—'],
    ['Duration', video.duration ? formatSeconds(video.duration) : '—'],
    ['File size', video.fileSize ? formatBytes(video.fileSize) : '—'],
    ['Seed', seed !== undefined ? String(seed) : '—'],
  ]
  return (
    <div className="space-y-3">
      <video
        data-testid="result-video"
        aria-label="Result video"
        src={video.url}
        controls
        loop
        playsInline
        preload="auto"
        className="max-h-[75vh] w-full rounded bg-black object-contain"
      />
      <CopyStatusNote status={copyStatus} />
      <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-xs sm:grid-cols-3 xl:grid-cols-6" data-testid="result-facts">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt className="text-muted">{label}</dt>
            <dd className="break-all font-mono">{value}</dd>
          </div>
        ))}
      </dl>
      <div className="flex flex-wrap gap-2">
        <a
          href={downloadHref(video.url)}
          download={downloadName ?? video.fileName ?? 'take.mp4'}
          className="inline-flex items-center rounded-md border border-line bg-panel px-3 py-1.5 text-sm hover:border-accent"
        >
          Download
        </a>
        {seed !== undefined && onUseSeed && <Button onClick={() => onUseSeed(seed)}>Use this seed</Button>}
        {takeId && <ContinueMenu takeId={takeId} />}
      </div>
      {statesOtherPrompt && (
        <Suspense fallback={null}>
          <PromptTruth input={input} output={output} onUsePrompt={onUsePrompt} />
        </Suspense>
      )}
      {inputs.length > 0 && <SyncedCompare resultUrl={video.url} inputs={inputs} />}
    </div>
  )
}

/** The input media beside the result, played together. */
function SyncedCompare({ resultUrl, inputs }: { resultUrl: string; inputs: InputMedia[] }) {
  const result = useRef<HTMLVideoElement>(null)
  const inputRefs = useRef<(HTMLMediaElement | null)[]>([])

  useEffect(() => {
    const leader = result.current
    const followers = inputRefs.current.filter((media): media is HTMLMediaElement => media !== null)
    return leader ? syncPlayback(leader, followers) : undefined
  }, [inputs])

  return (
    <section aria-label="Compare with input" className="space-y-2">
      <div className="flex items-center justify-between">
        <h3 className="text-sm font-medium">Compare with the input</h3>
        <Button
          size="sm"
          onClick={() => {
            const all = [result.current, ...inputRefs.current].filter((media): media is HTMLMediaElement => media !== null)
            void playAllFromStart(all)
          }}
        >
          Play both in sync
        </Button>
      </div>
      <div className="grid gap-2 sm:grid-cols-2">
        <figure>
          <video ref={result} data-testid="compare-result" src={resultUrl} controls playsInline muted preload="metadata" className="w-full rounded bg-black" />
          <figcaption className="mt-1 text-xs text-muted">Result (leads; sound from the input)</figcaption>
        </figure>
        {inputs.map((input, index) => (
          <figure key={input.url}>
            <InputPlayer
              input={input}
              register={(element) => {
                inputRefs.current[index] = element
              }}
            />
            <figcaption className="mt-1 text-xs text-muted">{input.label}</figcaption>
          </figure>
        ))}
      </div>
    </section>
  )
}

/** An input's player: a video, or an audio bar. */
function InputPlayer({ input, register }: { input: InputMedia; register: (element: HTMLMediaElement | null) => void }) {
  const common = { ref: register, 'data-testid': 'compare-input', src: input.url, controls: true, preload: 'metadata' } as const
  return input.kind === 'video' ? <video {...common} playsInline className="w-full rounded bg-black" /> : <audio {...common} className="w-full" />
}
