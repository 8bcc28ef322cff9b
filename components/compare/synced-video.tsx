/**
 * A take's player inside a `SyncGroup`: muted (so browsers let every player start together), and
 * marked so the group finds it.
 */
export function SyncedVideo({ src, poster, label, testId }: { src: string; poster: string | null; label: string; testId: string }) {
  return (
    <video
      data-compare-video
      data-testid={testId}
      aria-label={label}
      src={src}
      poster={poster ?? undefined}
      controls
      muted
      playsInline
      preload="metadata"
      className="aspect-video w-full rounded bg-black"
    />
  )
}
