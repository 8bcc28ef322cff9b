/** Starts the local backend with the server, so requests it was running before a restart resume at once. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const { backendMode } = await import('./lib/fal/backend')
  if (backendMode() !== 'local') return
  const { localFal } = await import('./lib/local-fal/instance')
  await localFal()
}
