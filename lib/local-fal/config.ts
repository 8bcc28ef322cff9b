import path from 'node:path'

import { MAX_UPLOAD_BYTES } from '@/lib/fal/upload-limits'

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

function positiveInt(value: string | undefined, fallback: number): number {
  const parsed = Number(value)
  return Number.isInteger(parsed) && parsed >= 0 ? parsed : fallback
}

export function readLocalFalConfig(env: NodeJS.ProcessEnv = process.env): LocalFalConfig {
  return {
    dataDir: path.resolve(env.TAKES_DATA_DIR ?? 'data', 'local-fal'),
    concurrency: Math.max(1, positiveInt(env.TAKES_LOCAL_CONCURRENCY, 2)),
    minRenderMs: positiveInt(env.TAKES_LOCAL_RENDER_MS, 3000),
    controlEnabled: env.TAKES_LOCAL_CONTROL === '1',
    maxUploadBytes: Math.min(MAX_UPLOAD_BYTES, positiveInt(env.TAKES_LOCAL_MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES)),
  }
}
