import 'server-only'
import { backendMode, localBackendBase } from '@/lib/fal/backend'
import { ORIGIN_HEADER } from '@/lib/fal/local-simulator'
import { localSimulatorAuthorization } from '@/lib/fal/local-simulator-key'
import { serverFalClient } from '@/lib/fal/server-client'
import { settingsOf } from '@/lib/settings'

export interface UploadTarget {
  env?: NodeJS.ProcessEnv
  /**
   * Local mode: the origin the browser reaches the studio on, so the file's URL plays in its page
   * (as the proxy tells the simulator for a browser's own uploads).
   */
  publicOrigin: string
}

/**
 * Stores bytes the studio made (a frame it extracted, a kept video) where the model can read them,
 * with the server's own credentials: fal's storage (`fal.storage.upload` of the server's client) in
 * fal mode, the simulator's storage in local mode. Resolves to the file's URL, for an input field.
 */
export async function uploadForFal(bytes: Blob, contentType: string, fileName: string, { env = process.env, publicOrigin }: UploadTarget): Promise<string> {
  const file = new File([bytes], fileName, { type: contentType })
  if (backendMode(env) === 'fal') return serverFalClient(env).storage.upload(file)
  return uploadToSimulator(file, env, publicOrigin)
}

/** fal's upload handshake against the simulator: initiate, then PUT the bytes, both with the simulator's key. */
async function uploadToSimulator(file: File, env: NodeJS.ProcessEnv, publicOrigin: string): Promise<string> {
  const base = localBackendBase(env)
  const { localFalUrl, publicUrl } = settingsOf(env)
  // A shared simulator serves its files on its own origin (as the proxy's uploads do).
  const filesOrigin = localFalUrl && !publicUrl ? new URL(base).origin : publicOrigin
  const authorization = await localSimulatorAuthorization()
  const initiated = await fetch(`${base}/rest/storage/upload/initiate?storage_type=fal-cdn-v3`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json', [ORIGIN_HEADER]: filesOrigin },
    body: JSON.stringify({ content_type: file.type, file_name: file.name }),
    signal: AbortSignal.timeout(30_000),
  })
  if (!initiated.ok) throw new Error(`The simulator refused the upload (HTTP ${initiated.status})`)
  const { upload_url: uploadUrl, file_url: fileUrl } = (await initiated.json()) as { upload_url?: unknown; file_url?: unknown }
  if (typeof uploadUrl !== 'string' || typeof fileUrl !== 'string') throw new Error('The simulator answered the upload without its URLs')
  // The bytes go to this studio's own simulator, whatever origin its answer names for the browser.
  const uploadPath = new URL(uploadUrl).pathname
  const put = await fetch(`${new URL(base).origin}${uploadPath}`, {
    method: 'PUT',
    headers: { authorization, 'content-type': file.type },
    body: file,
    signal: AbortSignal.timeout(5 * 60_000),
  })
  if (!put.ok) throw new Error(`The simulator refused the upload's bytes (HTTP ${put.status})`)
  return fileUrl
}
