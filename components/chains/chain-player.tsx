'use client'
import { useRef, useState } from 'react'
import { Button } from '@/components/ui/button'

/** One take of a chain, as its player needs it. */
export interface ChainClip {
  id: string
  videoUrl: string
  posterUrl: string | null
  label: string
}

/** The chain end to end: one player that plays each take's video in turn, saying which take is playing. */
export function ChainPlayer({ clips }: { clips: ChainClip[] }) {
  const [index, setIndex] = useState(0)
  const video = useRef<HTMLVideoElement>(null)
  // Set by a click or by the end of a clip: the next clip starts on its own once it has loaded.
  const [playing, setPlaying] = useState(false)
  const clip = clips[index]
  if (!clip) return null

  function go(next: number, play: boolean) {
    setPlaying(play)
    setIndex(next)
  }

  return (
    <section aria-label="Play the chain" className="space-y-2 rounded-lg border border-line bg-panel p-4" data-testid="chain-player">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-sm font-medium">The chain, end to end</h2>
        <Button size="sm" onClick={() => (index === 0 ? void video.current?.play() : go(0, true))}>
          Play from the start
        </Button>
      </div>
      <video
        ref={video}
        key={clip.id}
        data-testid="chain-video"
        data-take-id={clip.id}
        src={clip.videoUrl}
        poster={clip.posterUrl ?? undefined}
        controls
        playsInline
        preload="auto"
        autoPlay={playing}
        onEnded={() => index + 1 < clips.length && go(index + 1, true)}
        className="w-full rounded bg-black"
      />
      <p className="text-xs text-muted" aria-live="polite" data-testid="chain-now-playing">
        Take {index + 1} of {clips.length}: {clip.label}
      </p>
      <ol className="flex flex-wrap gap-1 text-xs">
        {clips.map((item, position) => (
          <li key={item.id}>
            <Button size="sm" variant={position === index ? 'primary' : 'secondary'} aria-current={position === index ? 'true' : undefined} onClick={() => go(position, true)}>
              {position + 1}
            </Button>
          </li>
        ))}
      </ol>
    </section>
  )
}
