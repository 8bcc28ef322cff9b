'use client'
import clsx from 'clsx'
import Image from 'next/image'
import Link from 'next/link'
import { useRef, useState, type ReactNode } from 'react'

interface PreviewLinkProps {
  href: string
  posterUrl: string | null
  /** The take's video: a muted, looping preview on hover or focus; loaded only then. */
  videoUrl: string | null
  /** Shown over the picture's corner (the status). */
  overlay?: ReactNode
  children: ReactNode
}

/** A take card's link: its poster frame, which plays the video while pointed at or focused. */
export function PreviewLink({ href, posterUrl, videoUrl, overlay, children }: PreviewLinkProps) {
  const video = useRef<HTMLVideoElement>(null)
  const [playing, setPlaying] = useState(false)

  function start() {
    // play() rejects when a pause interrupts it (the pointer left first): nothing to report.
    video.current?.play().catch(() => {})
  }
  function stop() {
    const element = video.current
    if (!element) return
    element.pause()
    if (element.readyState > 0) element.currentTime = 0
  }

  return (
    // Not prefetched: a grid of 24–48 dynamic pages would be rendered for nothing.
    <Link href={href} prefetch={false} onMouseEnter={start} onMouseLeave={stop} onFocus={start} onBlur={stop} className="group block focus-visible:outline-offset-0">
      <div className="relative aspect-video overflow-hidden bg-black">
        {posterUrl ? (
          <Image data-testid="take-poster" src={posterUrl} alt="Poster frame" fill unoptimized sizes="(min-width: 1280px) 25vw, (min-width: 1024px) 33vw, (min-width: 640px) 50vw, 100vw" className="object-cover" />
        ) : (
          <div data-testid="take-poster-placeholder" aria-hidden className="absolute inset-0 grid place-items-center bg-gradient-to-br from-panel to-ink text-xs text-muted">
            No preview
          </div>
        )}
        {videoUrl && (
          <video
            ref={video}
            data-testid="take-preview"
            src={videoUrl}
            muted
            loop
            playsInline
            preload="none"
            aria-hidden
            tabIndex={-1}
            onPlaying={() => setPlaying(true)}
            onPause={() => setPlaying(false)}
            className={clsx('pointer-events-none absolute inset-0 h-full w-full object-cover transition-opacity', playing ? 'opacity-100' : 'opacity-0')}
          />
        )}
        {overlay && <div className="absolute left-2 top-2">{overlay}</div>}
      </div>
      {children}
    </Link>
  )
}
