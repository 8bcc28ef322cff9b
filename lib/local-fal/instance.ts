import { catalog } from '@/lib/endpoints'
import { runsLocalSimulator } from '@/lib/fal/backend'
import { readLocalFalConfig } from './config'
import { LocalFalEngine } from './engine'
import { claimSimulator } from './simulator-claim'

const KEY = Symbol.for('takes.local-fal')
type Holder = { [KEY]?: Promise<LocalFalEngine> }

/**
 * The one local backend of this server process (route modules may be bundled apart), started
 * once this process holds the simulator (lib/local-fal/simulator-claim). Rejects in a process that
 * does not run one.
 */
export function localFal(): Promise<LocalFalEngine> {
  const holder = globalThis as Holder
  holder[KEY] ??= (async () => {
    if (!runsLocalSimulator()) throw new Error('This studio does not run the local simulator (TAKES_LOCAL_FAL_URL or a fal key).')
    const config = readLocalFalConfig()
    await claimSimulator(config.dataDir)
    const engine = new LocalFalEngine(config, catalog)
    await engine.init()
    return engine
  })()
  return holder[KEY]
}
