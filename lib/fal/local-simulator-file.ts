import 'server-only'
import { stat } from 'node:fs/promises'
import { localBackendBase, runsLocalSimulator, type BackendMode } from '@/lib/fal/backend'
import { fileIdOf, simulatorDataDir, simulatorFilesDir, storedFilePath } from '@/lib/fal/local-simulator'
import { localSimulatorAuthorization } from '@/lib/fal/local-simulator-key'

/** Where the studio reads a file of its local simulator. */
export type SimulatorFile =
  | { kind: 'disk'; path: string }
  /** The simulator of another studio process (TAKES_LOCAL_FAL_URL): configuration, not request input. */
  | { kind: 'http'; url: string; allowHosts: string[]; headers: Record<string, string> }
  | { kind: 'missing' }

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  )
}

/**
 * How to read the simulator file that `url` names without fetching `url` itself (whatever host it
 * names): from this process's simulator's store on disk, or from the simulator the studio is
 * configured to share, with the simulator's key. Undefined when `url` names no simulator file or
 * the studio runs on fal.
 */
export async function simulatorFile(url: string, mode: BackendMode, env: NodeJS.ProcessEnv = process.env): Promise<SimulatorFile | undefined> {
  if (mode !== 'local') return undefined
  const id = fileIdOf(url)
  if (!id) return undefined
  if (runsLocalSimulator(env)) {
    const file = storedFilePath(simulatorFilesDir(simulatorDataDir(env)), id)
    return (await exists(file)) ? { kind: 'disk', path: file } : { kind: 'missing' }
  }
  const base = new URL(localBackendBase(env))
  const port = base.port || (base.protocol === 'https:' ? '443' : '80')
  return {
    kind: 'http',
    url: `${base.origin}${base.pathname.replace(/\/$/, '')}/files/${id}`,
    allowHosts: [`${base.hostname}:${port}`],
    headers: { authorization: await localSimulatorAuthorization() },
  }
}
