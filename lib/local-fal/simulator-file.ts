import 'server-only'
import path from 'node:path'
import { localBackendBase, type BackendMode } from '@/lib/fal/backend'
import { localSimulatorAuthorization } from '@/lib/fal/local-simulator-key'
import { readLocalFalConfig } from './config'
import { FileStore, fileIdOf } from './files'
import { runsLocalSimulator } from './instance'

/** Where the studio reads a file of its local simulator. */
export type SimulatorFile =
  | { kind: 'disk'; path: string }
  /** The simulator of another studio process (TAKES_LOCAL_FAL_URL): configuration, not request input. */
  | { kind: 'http'; url: string; allowHosts: string[]; headers: Record<string, string> }
  | { kind: 'missing' }

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
    const file = await new FileStore(path.join(readLocalFalConfig(env).dataDir, 'files')).localPath(id)
    return file ? { kind: 'disk', path: file } : { kind: 'missing' }
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
