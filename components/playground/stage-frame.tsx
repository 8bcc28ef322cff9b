import type { ReactNode } from 'react'

/** A 16:9 frame the size of the player, for what the stage shows before there is a video. */
export function StageFrame({ children }: { children: ReactNode }) {
  return (
    <div
      data-testid="stage-frame"
      className="flex aspect-video w-full flex-col items-center justify-center gap-3 rounded-md border border-dashed border-line bg-ink/60 p-6 text-center"
    >
      {children}
    </div>
  )
}
