import { simulatorDataDir } from '@/lib/fal/local-simulator'
import { settingsOf, type Env } from '@/lib/settings'

/** Settings of the local fal-compatible backend, read from the environment once. */
export interface LocalFalConfig {
  dataDir: string
  /** How many requests run at once; the rest wait in the queue. */
  concurrency: number
  /** The least time a request spends IN_PROGRESS, so queue and logs are visible. */
  minRenderMs: number
  /** Enables `/api/local-fal/_control` (fault injection and counters), for tests. */
  controlEnabled: boolean
  /** The largest upload kept: MAX_UPLOAD_BYTES, or less with TAKES_LOCAL_MAX_UPLOAD_BYTES (for tests). */
  maxUploadBytes?: number
}

export function readLocalFalConfig(env: Env = process.env): LocalFalConfig {
  const settings = settingsOf(env)
  return {
    dataDir: simulatorDataDir(env),
    concurrency: settings.localConcurrency,
    minRenderMs: settings.localRenderMs,
    controlEnabled: settings.localControl,
    maxUploadBytes: settings.localMaxUploadBytes,
  }
}
