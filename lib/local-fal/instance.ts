import { catalog } from '@/lib/endpoints'
import { readLocalFalConfig } from './config'
import { LocalFalEngine } from './engine'

const KEY = Symbol.for('takes.local-fal')
type Holder = { [KEY]?: Promise<LocalFalEngine> }

/** The one local backend of this server process (route modules may be bundled apart). */
export function localFal(): Promise<LocalFalEngine> {
  const holder = globalThis as Holder
  holder[KEY] ??= (async () => {
    const engine = new LocalFalEngine(readLocalFalConfig(), catalog)
    await engine.init()
    return engine
  })()
  return holder[KEY]
}
