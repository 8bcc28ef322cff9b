import 'server-only'

import type { Env } from '@/lib/settings'
import { LocalDiskStore, localOutputsDir } from './local-disk-store'
import { S3Store, s3ConfigFromEnv } from './s3-store'
import type { OutputStore } from './store'

export type { OutputStore } from './store'
export { InvalidKeyError, isValidKey } from './store'
export { outputUrl } from './output-url'

/** S3 when TAKES_S3_BUCKET is set; otherwise files under `<TAKES_DATA_DIR or ./data>/outputs`. */
export function outputStoreFromEnv(env: Env = process.env): OutputStore {
  const s3 = s3ConfigFromEnv(env)
  return s3 ? new S3Store(s3) : new LocalDiskStore(localOutputsDir(env))
}

// On globalThis: Next may load this module more than once (per route bundle, on reload in dev).
const KEY = Symbol.for('takes.outputStore')
type Holder = { [KEY]?: OutputStore }

/** This process's output store, chosen from the environment on first use. */
export function outputStore(): OutputStore {
  const holder = globalThis as Holder
  holder[KEY] ??= outputStoreFromEnv()
  return holder[KEY]
}

/** Forgets the process's store (tests that change the environment); the next `outputStore()` chooses again. */
export function resetOutputStore(): void {
  delete (globalThis as Holder)[KEY]
}
