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
  /** How long a result answers after completion, in seconds (fal: 1 h); RESULT_TTL_S when unset. */
  resultTtlS?: number
  /** The same for a result of LARGE_RESULT_BYTES or more (fal: 6 min); LARGE_RESULT_TTL_S when unset. */
  largeResultTtlS?: number
  /** The waits between webhook attempts (fal: about two hours in all); DEFAULT_RETRY_DELAYS_MS when unset. */
  webhookRetryDelaysMs?: readonly number[]
}

export function readLocalFalConfig(env: Env = process.env): LocalFalConfig {
  const settings = settingsOf(env)
  return {
    dataDir: simulatorDataDir(env),
    concurrency: settings.localConcurrency,
    minRenderMs: settings.localRenderMs,
    controlEnabled: settings.localControl,
    maxUploadBytes: settings.localMaxUploadBytes,
    resultTtlS: settings.localResultTtlS,
    largeResultTtlS: settings.localLargeResultTtlS,
    webhookRetryDelaysMs: settings.localWebhookRetryMs,
  }
}
