/**
 * Starts, with the server: first, its settings, checked (a bad one stops it, named: lib/settings);
 * then this process's hold on its data — on the embedded database, the
 * only studio on its data directory; in local mode, the one simulator of its database — or, when
 * another process has it, refuses to start (exit 1), saying which and how to run several; then the
 * local backend (when there is no fal key), so requests it was running before a restart resume at
 * once; the follower, which drives every unfinished take to its end (`TAKES_FOLLOWER=0` turns it
 * off, e.g. where webhooks alone settle takes); the output copier, which retries output copies
 * until they are kept; and the sweep runner, which submits every running sweep's takes.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const { settingsOf, SettingsError } = await import('./lib/settings')
  const { claimEmbeddedData, StudioRefusedError } = await import('./lib/db/data-dir-lock')
  const { runsLocalSimulator } = await import('./lib/fal/backend')
  const { localFal } = await import('./lib/local-fal/instance')
  let follower: boolean
  try {
    follower = settingsOf().follower
    await claimEmbeddedData()
    if (runsLocalSimulator()) await localFal()
  } catch (error) {
    if (!(error instanceof StudioRefusedError || error instanceof SettingsError)) throw error
    console.error(error.message)
    process.exit(1)
  }
  if (follower) {
    const { startFollower } = await import('./lib/takes/follower')
    startFollower()
  }
  const { startOutputCopier } = await import('./lib/takes/output-copy')
  startOutputCopier()
  const { startSweepRunner } = await import('./lib/sweeps/sweep-runner')
  startSweepRunner()
}
