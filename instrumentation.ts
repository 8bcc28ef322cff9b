/**
 * Starts, with the server: the local backend (when there is no fal key), so requests it was running
 * before a restart resume at once; and the follower, which drives every unfinished take to its end
 * (`TAKES_FOLLOWER=0` turns it off, e.g. where webhooks alone settle takes); and the sweep runner,
 * which submits every running sweep's takes.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const { backendMode } = await import('./lib/fal/backend')
  if (backendMode() === 'local') {
    const { localFal } = await import('./lib/local-fal/instance')
    await localFal()
  }
  if (process.env.TAKES_FOLLOWER !== '0') {
    const { startFollower } = await import('./lib/takes/follower')
    startFollower()
  }
  const { startSweepRunner } = await import('./lib/sweeps/sweep-runner')
  startSweepRunner()
}
