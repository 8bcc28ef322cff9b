/** Largest drift (seconds) tolerated between a follower and the leader before it is re-seeked. */
const MAX_DRIFT = 0.15

/**
 * Keeps `followers` playing in step with `leader`: play, pause, seek and rate follow it, and a
 * follower that drifts is brought back. Returns a function that stops syncing.
 */
export function syncPlayback(leader: HTMLMediaElement, followers: HTMLMediaElement[]): () => void {
  const each = (action: (media: HTMLMediaElement) => void) => followers.forEach(action)
  const align = () =>
    each((media) => {
      if (Math.abs(media.currentTime - leader.currentTime) > MAX_DRIFT) media.currentTime = Math.min(leader.currentTime, media.duration || Infinity)
    })
  const handlers: [keyof HTMLMediaElementEventMap, () => void][] = [
    ['play', () => each((media) => void media.play().catch(() => undefined))],
    ['pause', () => each((media) => media.pause())],
    ['seeked', align],
    ['timeupdate', align],
    ['ratechange', () => each((media) => (media.playbackRate = leader.playbackRate))],
  ]
  handlers.forEach(([event, handler]) => leader.addEventListener(event, handler))
  return () => handlers.forEach(([event, handler]) => leader.removeEventListener(event, handler))
}

/** Starts every element from the beginning at once. */
export async function playAllFromStart(media: HTMLMediaElement[]): Promise<void> {
  media.forEach((element) => {
    element.pause()
    element.currentTime = 0
  })
  await Promise.all(media.map((element) => element.play().catch(() => undefined)))
}
